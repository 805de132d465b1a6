import CairnStorage
import Foundation
import NIOSSL
import PostgresNIO

/// `postgres://user:password@host:port/database?sslmode=...` as libpq reads it, for
/// `cairn server --metadata` and `CAIRN_METADATA_URL`.
public enum PostgresURL {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// Whether a `--metadata` value names PostgreSQL.
    public static func isPostgres(_ url: String) -> Bool {
        url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")
    }

    /// The pool's configuration for `url` (see `target`).
    public static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        try target(url).clientConfiguration
    }

    /// sslmode as libpq: disable; prefer (the default: TLS if the server offers it, unverified);
    /// require (TLS, unverified); verify-full (TLS, certificate and host name verified).
    public static func target(_ url: String) throws -> PostgresTarget {
        guard isPostgres(url), let c = URLComponents(string: url) else {
            throw Invalid(description: "not a postgres://user:password@host:port/database URL: \(redacted(url))")
        }
        guard let host = c.host, !host.isEmpty else { throw Invalid(description: "no host in \(redacted(url))") }
        guard let user = c.percentEncodedUser?.removingPercentEncoding, !user.isEmpty else {
            throw Invalid(description: "no user in \(redacted(url))")
        }
        let database = String(c.path.drop(while: { $0 == "/" }))
        let mode = c.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer"
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        let tls: PostgresTarget.TLSMode
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(unverified)
        case "require": tls = .require(unverified)
        case "verify-full", "verify-ca": tls = .require(.makeClientConfiguration())
        default: throw Invalid(description: "sslmode \(mode): use disable, prefer, require or verify-full")
        }
        return PostgresTarget(host: host, port: c.port ?? 5432, username: user,
                              password: c.percentEncodedPassword?.removingPercentEncoding,
                              database: database.isEmpty ? user : database, tls: tls)
    }

    /// The URL without its password, for logs and errors.
    public static func redacted(_ url: String) -> String {
        guard var c = URLComponents(string: url), c.password != nil else { return url }
        c.password = "***"
        return c.string ?? "postgres://***"
    }
}

/// One PostgreSQL database as a URL names it: what the pool and a single checking connection are
/// both configured from (postgres-nio keeps the two configurations' TLS settings apart).
public struct PostgresTarget: Sendable {
    public enum TLSMode: Sendable {
        case disable
        case prefer(TLSConfiguration)
        case require(TLSConfiguration)
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public var clientConfiguration: PostgresClient.Configuration {
        let clientTLS: PostgresClient.Configuration.TLS
        switch tls {
        case .disable: clientTLS = .disable
        case .prefer(let c): clientTLS = .prefer(c)
        case .require(let c): clientTLS = .require(c)
        }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                            database: database, tls: clientTLS)
    }

    /// The configuration of one connection outside the pool (`PostgresStartupCheck`).
    func connectionConfiguration(timeout: TimeAmount) throws -> PostgresConnection.Configuration {
        let connectionTLS: PostgresConnection.Configuration.TLS
        switch tls {
        case .disable: connectionTLS = .disable
        case .prefer(let c): connectionTLS = .prefer(try NIOSSLContext(configuration: c))
        case .require(let c): connectionTLS = .require(try NIOSSLContext(configuration: c))
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: username, password: password,
                                                             database: database, tls: connectionTLS)
        configuration.options.connectTimeout = timeout
        return configuration
    }

    /// host:port, for messages.
    var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
