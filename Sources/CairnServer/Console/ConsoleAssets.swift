import HTTPTypes
import Hummingbird

/// One file of the web console: its bytes are compiled into the binary (Package.swift embeds
/// Console/Assets/ as `PackageResources`).
struct ConsoleAsset: Sendable {
    let contentType: String
    let bytes: [UInt8]

    init(_ name: String, _ bytes: [UInt8]) {
        switch name.split(separator: ".").last {
        case "html": contentType = "text/html; charset=utf-8"
        case "css": contentType = "text/css; charset=utf-8"
        default: contentType = "text/javascript; charset=utf-8"
        }
        self.bytes = bytes
    }
}

/// The web console's static files, and what the page needs to find the S3 listener. The page
/// signs its own requests (SigV4 in the browser) to the admin API on this listener and to the S3
/// API on the S3 listener; nothing here authenticates or decides access.
enum ConsoleAssets {
    /// Every file of Console/Assets/, by the name the page asks for (a file missing here, or from
    /// Package.swift's list, is a 404 that test_console.py reports).
    static let files: [String: ConsoleAsset] = Dictionary(uniqueKeysWithValues: [
        ("index.html", PackageResources.index_html), ("console.css", PackageResources.console_css),
        ("app.js", PackageResources.app_js), ("dom.js", PackageResources.dom_js), ("sigv4.js", PackageResources.sigv4_js),
        ("s3.js", PackageResources.s3_js), ("admin.js", PackageResources.admin_js), ("upload.js", PackageResources.upload_js),
        ("page-buckets.js", PackageResources.page_buckets_js), ("page-objects.js", PackageResources.page_objects_js),
        ("page-uploads.js", PackageResources.page_uploads_js), ("page-users.js", PackageResources.page_users_js),
        ("page-metrics.js", PackageResources.page_metrics_js),
    ].map { ($0.0, ConsoleAsset($0.0, $0.1)) })

    /// Where the page sends S3 requests: `s3URL` when the operator named one (a reverse proxy),
    /// else the S3 listener's port and scheme on the host name the browser used for the console;
    /// and the region to sign for.
    struct Settings: Sendable, Encodable {
        let s3Port: Int
        let s3Scheme: String
        let region: String
        var s3URL: String?

        /// The S3 URL a page served to `authority` uses (what its CSP lets it connect to).
        func s3Origin(pageAuthority authority: String?) -> String {
            if let s3URL { return s3URL }
            let host = ConsoleOrigin.hostname(authority ?? "localhost").filter { $0.isASCII && ($0.isLetter || $0.isNumber || ".-[]:".contains($0)) }
            return "\(s3Scheme)://\(host):\(s3Port)"
        }
    }

    static func addRoutes(to router: Router<BasicRequestContext>, settings: Settings) {
        router.get("/") { request, _ in page("index.html", request, settings) }
        router.get("console") { request, _ in page("index.html", request, settings) }
        router.get("console/:name") { request, context -> Response in
            let name = context.parameters.get("name") ?? ""
            if name == "config.json" { return config(settings) }
            return page(name, request, settings)
        }
    }

    static func page(_ name: String, _ request: Request, _ settings: Settings) -> Response {
        guard let asset = files[name] else {
            return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "no such console file\n")))
        }
        var headers: HTTPFields = [.contentType: asset.contentType, .cacheControl: "no-cache"]
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        if asset.contentType.hasPrefix("text/html") {
            // Scripts and styles from this listener only; fetches to it and to the S3 listener.
            headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'self'; img-src 'self' data:; "
                + "connect-src 'self' \(settings.s3Origin(pageAuthority: request.head.authority)); frame-ancestors 'none'; form-action 'none'"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }

    static func config(_ settings: Settings) -> Response {
        AdminAPIHandler.json(settings)
    }
}
