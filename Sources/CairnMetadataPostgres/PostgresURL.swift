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

    /// sslmode as libpq: disable; prefer (the default: TLS if the server offers it, unverified);
    /// require (TLS, unverified); verify-full (TLS, certificate and host name verified).
    public static func configuration(_ url: String) throws -> PostgresClient.Configuration {
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
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(unverified)
        case "require": tls = .require(unverified)
        case "verify-full", "verify-ca": tls = .require(.makeClientConfiguration())
        default: throw Invalid(description: "sslmode \(mode): use disable, prefer, require or verify-full")
        }
        return PostgresClient.Configuration(host: host, port: c.port ?? 5432, username: user,
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
