import Foundation
import Hummingbird
import Logging
import Prometheus

/// The admin listener (`--admin-address`), never the S3 port: `/metrics` (Prometheus text,
/// behind `--metrics-token` when one is set), `/health` and `/ready` (always open, and cheap, for
/// load balancers and orchestrators), and the admin API under `/admin/v1/` (SigV4 by an admin
/// user's key: `AdminAPIHandler`), and the web console (`ConsoleAssets`) that uses it.
enum AdminServer {
    static func application(host: String, port: Int, registry: PrometheusCollectorRegistry, process: ProcessMetrics,
                            token: String?, checks: [ReadinessCheck], api: AdminAPIHandler?, storageMetrics: StorageMetrics?,
                            console: ConsoleAssets.Settings, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        if let api {
            for method in [HTTPRequest.Method.get, .post, .put, .delete] {
                router.on("admin/**", method: method) { request, _ in await api.respond(request) }
            }
            // The web console signs in with an admin user's key and drives the admin API.
            ConsoleAssets.addRoutes(to: router, settings: console)
        }
        router.get("metrics") { request, _ -> Response in
            guard BearerToken.allows(request.headers[.authorization], expected: token) else {
                return jsonResponse(.unauthorized, #"{"error":"a valid bearer token is required"}"#,
                                    extra: [.wwwAuthenticate: #"Bearer realm="cairn-metrics""#])
            }
            process.update()
            do {
                try await storageMetrics?.update()
            } catch {
                logger.warning("storage metrics not updated: \(error)")
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("health") { _, _ in jsonResponse(.ok, #"{"status":"ok"}"#) }
        let readiness = ReadinessLog(logger: logger)
        router.get("ready") { _, _ -> Response in
            var failed: [(String, String)] = []
            for check in checks {
                if let why = await check.failure() { failed.append((check.name, why)) }
            }
            readiness.record(failed)
            guard failed.isEmpty else {
                var w = JSONLineWriter()
                w.field("status", "unavailable")
                for (name, why) in failed { w.field(name, why) }
                return jsonResponse(.serviceUnavailable, w.finish())
            }
            return jsonResponse(.ok, #"{"status":"ready"}"#)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                print("cairn admin listening on http://\(channel.localAddress?.ipAddress ?? host):\(channel.localAddress?.port ?? port)")
                fflushStdout()
            },
            logger: logger)
    }

    private static func jsonResponse(_ status: HTTPResponse.Status, _ body: String, extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body + "\n")))
    }
}

/// `Authorization: Bearer TOKEN` against `--metrics-token`, compared in constant time.
enum BearerToken {
    static func allows(_ authorization: String?, expected: String?) -> Bool {
        guard let expected else { return true }
        guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
        let given = Array(authorization.dropFirst("Bearer ".count).utf8)
        let want = Array(expected.utf8)
        var difference = given.count ^ want.count
        for i in 0..<want.count { difference |= Int(want[i] ^ (i < given.count ? given[i] : 0)) }
        return difference == 0
    }
}

/// Logs readiness when it changes, not at every probe: a load balancer asks every few seconds.
final class ReadinessLog: @unchecked Sendable {
    private let logger: Logger
    private let lock = NSLock()
    private var ready = true

    init(logger: Logger) { self.logger = logger }

    func record(_ failed: [(String, String)]) {
        let changed: Bool = lock.withLock {
            defer { ready = failed.isEmpty }
            return ready != failed.isEmpty
        }
        guard changed else { return }
        if failed.isEmpty {
            logger.notice("ready again")
        } else {
            logger.warning("not ready: \(failed.map { "\($0.0): \($0.1)" }.joined(separator: "; "))")
        }
    }
}
