import Foundation

/// The Content-Type an upload gets from its file name, as the aws CLI guesses it with Python's
/// `mimetypes.guess_type`: /etc/mime.types (what Python reads on Linux) over a few built-in
/// types; compression suffixes (`.gz`, `.bz2`, `.xz`, ...) are encodings and the type is the
/// inner name's (`a.tar.gz` is `application/x-tar`).
public enum MimeTypes {
    static let builtIn: [String: String] = [
        "txt": "text/plain", "html": "text/html", "htm": "text/html", "css": "text/css", "csv": "text/csv",
        "js": "text/javascript", "json": "application/json", "xml": "text/xml", "pdf": "application/pdf",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml",
        "zip": "application/zip", "tar": "application/x-tar", "mp4": "video/mp4", "mp3": "audio/mpeg",
    ]
    static let suffixes = ["svgz": "svg.gz", "tgz": "tar.gz", "taz": "tar.gz", "tz": "tar.gz", "tbz2": "tar.bz2", "txz": "tar.xz"]
    static let encodings: Set<String> = ["gz", "Z", "bz2", "xz", "br"]

    static let table: [String: String] = {
        var t = builtIn
        guard let text = try? String(contentsOfFile: "/etc/mime.types", encoding: .utf8) else { return t }
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let type = fields.first, !type.hasPrefix("#") else { continue }
            for ext in fields.dropFirst() {
                if ext.hasPrefix("#") { break }
                t[String(ext)] = String(type)
            }
        }
        return t
    }()

    /// The type for `path`'s name, or nil when the extension is unknown.
    public static func guess(_ path: String) -> String? {
        var name = (path as NSString).lastPathComponent
        func ext(_ n: String) -> (base: String, ext: String)? {
            guard let dot = n.lastIndex(of: "."), dot != n.startIndex else { return nil }
            return (String(n[..<dot]), String(n[n.index(after: dot)...]))
        }
        while let (base, e) = ext(name), let full = suffixes[e] { name = base + "." + full }
        if let (base, e) = ext(name), encodings.contains(e) { name = base }
        guard let (_, e) = ext(name) else { return nil }
        return table[e] ?? table[e.lowercased()]
    }
}
