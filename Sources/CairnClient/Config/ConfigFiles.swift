import Foundation

/// An INI file as the aws CLI reads ~/.aws/credentials and ~/.aws/config: `[section]` headers,
/// `key = value` lines, `#`/`;` comments, and nested blocks (`s3 =` followed by indented
/// `key = value` lines), stored as `s3.key`.
public struct INIFile: Sendable, Equatable {
    public var sections: [String: [String: String]] = [:]

    public init() {}

    public init(text: String) {
        var current: String?
        var nested: String?
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = String(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                let name = String(trimmed.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                current = name
                nested = nil
                if sections[name] == nil { sections[name] = [:] }
                continue
            }
            guard let section = current, let eq = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = trimmed[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            let value = trimmed[trimmed.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            let indented = line.first == " " || line.first == "\t"
            if indented, let n = nested {
                sections[section]?["\(n).\(key)"] = value
            } else if value.isEmpty {
                nested = key
            } else {
                nested = nil
                sections[section]?[key] = value
            }
        }
    }

    public static func load(path: String) -> INIFile? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return nil }
        return INIFile(text: text)
    }

    /// A profile of the config file: `[default]` or `[profile NAME]` (a bare `[NAME]` is accepted too).
    public func configProfile(_ name: String) -> [String: String]? {
        if name == "default" { return sections["default"] ?? sections["profile default"] }
        return sections["profile \(name)"] ?? sections[name]
    }
}

/// Everything the client needs to talk to one endpoint, resolved as the aws CLI does.
public struct ClientConfig: Sendable {
    public var endpoint: URL
    public var region: String
    public var accessKey: String
    public var secretKey: String
    public var sessionToken: String?
    public var verifySSL: Bool
    /// PEM certificates to trust instead of the system's (`--ca-bundle`, AWS_CA_BUNDLE, `ca_bundle`).
    public var caBundle: String?
    public var debug: Bool
    public var maxAttempts: Int
    public var output: OutputFormat
    /// Seconds to wait for a TCP connection (`--cli-connect-timeout`); async-http-client keeps
    /// retrying a refused connection until then, so this bounds how long a dead endpoint takes.
    public var connectTimeout: Double = 3
    /// Seconds without a byte read (`--cli-read-timeout`, 0 = none).
    public var readTimeout: Double = 60
    /// Headers every request carries (`aws s3 --request-payer`: `x-amz-request-payer`).
    public var commonHeaders: [(String, String)] = []

    public init(endpoint: URL, region: String, accessKey: String, secretKey: String, sessionToken: String? = nil,
                verifySSL: Bool = true, debug: Bool = false, maxAttempts: Int = 5, output: OutputFormat = .json) {
        self.endpoint = endpoint
        self.region = region
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.sessionToken = sessionToken
        self.verifySSL = verifySSL
        self.debug = debug
        self.maxAttempts = maxAttempts
        self.output = output
    }
}

/// The global options of the aws CLI that choose the endpoint, identity and output.
public struct GlobalOptions: Sendable {
    public var endpointURL: String?
    public var region: String?
    public var profile: String?
    public var output: String?
    public var query: String?
    public var noVerifySSL = false
    public var caBundle: String?
    public var debug = false
    public var noPaginate = false
    public var noSignRequest = false
    public var connectTimeout: Double?
    public var readTimeout: Double?
    public init() {}
}

/// Resolution errors that are not service errors (the aws CLI exits 255 on these).
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

public enum ConfigResolver {
    static func expand(_ path: String, env: [String: String]) -> String {
        if path.hasPrefix("~/") { return (env["HOME"] ?? NSHomeDirectory()) + String(path.dropFirst(1)) }
        return path
    }

    /// Resolves endpoint, region, credentials and output format. Order (as botocore):
    /// - credentials: environment (unless `--profile` was given), the shared credentials file's
    ///   profile, then the config file's profile;
    /// - region: `--region`, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, us-east-1;
    /// - endpoint: `--endpoint-url`, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the profile's
    ///   `s3 = endpoint_url`, its `endpoint_url`, then AWS's regional S3 endpoint;
    /// - profile: `--profile`, AWS_PROFILE, AWS_DEFAULT_PROFILE, `default`;
    /// - trusted certificates: `--ca-bundle`, AWS_CA_BUNDLE, the profile's `ca_bundle`, the system's.
    public static func resolve(_ g: GlobalOptions, env: [String: String] = ProcessInfo.processInfo.environment) throws -> ClientConfig {
        let profileName = g.profile ?? env["AWS_PROFILE"] ?? env["AWS_DEFAULT_PROFILE"] ?? "default"
        let credentialsPath = expand(env["AWS_SHARED_CREDENTIALS_FILE"] ?? "~/.aws/credentials", env: env)
        let configPath = expand(env["AWS_CONFIG_FILE"] ?? "~/.aws/config", env: env)
        let credentialsFile = INIFile.load(path: credentialsPath) ?? INIFile()
        let configFile = INIFile.load(path: configPath) ?? INIFile()
        let profile = configFile.configProfile(profileName)
        let credProfile = credentialsFile.sections[profileName]
        if profileName != "default" && profile == nil && credProfile == nil {
            throw ConfigError("The config profile (\(profileName)) could not be found")
        }
        func nonEmpty(_ s: String?) -> String? { (s?.isEmpty ?? true) ? nil : s }

        var access: String?, secret: String?, token: String?
        if g.profile == nil, let a = nonEmpty(env["AWS_ACCESS_KEY_ID"]), let s = nonEmpty(env["AWS_SECRET_ACCESS_KEY"]) {
            access = a; secret = s; token = nonEmpty(env["AWS_SESSION_TOKEN"] ?? env["AWS_SECURITY_TOKEN"])
        } else if let p = credProfile, let a = nonEmpty(p["aws_access_key_id"]), let s = nonEmpty(p["aws_secret_access_key"]) {
            access = a; secret = s; token = nonEmpty(p["aws_session_token"] ?? p["aws_security_token"])
        } else if let p = profile, let a = nonEmpty(p["aws_access_key_id"]), let s = nonEmpty(p["aws_secret_access_key"]) {
            access = a; secret = s; token = nonEmpty(p["aws_session_token"] ?? p["aws_security_token"])
        }
        if g.noSignRequest { access = ""; secret = ""; token = nil }
        guard let accessKey = access, let secretKey = secret else {
            throw ConfigError("Unable to locate credentials. You can configure credentials by running \"aws configure\".")
        }
        let region = nonEmpty(g.region) ?? nonEmpty(env["AWS_REGION"]) ?? nonEmpty(env["AWS_DEFAULT_REGION"])
            ?? nonEmpty(profile?["region"]) ?? "us-east-1"
        let defaultEndpoint = region == "us-east-1" ? "https://s3.amazonaws.com" : "https://s3.\(region).amazonaws.com"
        let endpointString = nonEmpty(g.endpointURL) ?? nonEmpty(env["AWS_ENDPOINT_URL_S3"]) ?? nonEmpty(env["AWS_ENDPOINT_URL"])
            ?? nonEmpty(profile?["s3.endpoint_url"]) ?? nonEmpty(profile?["endpoint_url"]) ?? defaultEndpoint
        guard let url = URL(string: endpointString), let scheme = url.scheme, ["http", "https"].contains(scheme.lowercased()),
              url.host != nil else {
            throw ConfigError("Bad value for --endpoint-url \"\(endpointString)\": scheme is missing.  Must be of the form http://<hostname>/ or https://<hostname>/")
        }
        let outputName = nonEmpty(g.output) ?? nonEmpty(env["AWS_DEFAULT_OUTPUT"]) ?? nonEmpty(profile?["output"]) ?? "json"
        guard let output = OutputFormat(rawValue: outputName) else {
            throw ConfigError("argument --output: Invalid choice, valid choices are:\n\njson                                     | text\ntable")
        }
        let attempts = Int(env["AWS_MAX_ATTEMPTS"] ?? profile?["max_attempts"] ?? "") ?? 5
        let verify = !g.noVerifySSL
        var c = ClientConfig(endpoint: url, region: region, accessKey: accessKey, secretKey: secretKey, sessionToken: token,
                             verifySSL: verify, debug: g.debug, maxAttempts: max(1, attempts), output: output)
        // botocore's order: the option, AWS_CA_BUNDLE, the profile's ca_bundle.
        c.caBundle = (nonEmpty(g.caBundle) ?? nonEmpty(env["AWS_CA_BUNDLE"]) ?? nonEmpty(profile?["ca_bundle"])).map { expand($0, env: env) }
        if let t = g.connectTimeout, t > 0 { c.connectTimeout = t }
        if let t = g.readTimeout { c.readTimeout = t }
        return c
    }
}
