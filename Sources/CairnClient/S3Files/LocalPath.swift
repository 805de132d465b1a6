import Foundation

/// Local paths as Python's `os.path` treats them (awscli prints and matches through these).
public enum LocalPath {
    /// `os.path.abspath`: joined to the working directory and normalised textually (`.`, `..`,
    /// repeated and trailing slashes), without resolving symbolic links.
    public static func absolute(_ path: String, cwd: String = FileManager.default.currentDirectoryPath) -> String {
        let joined = path.hasPrefix("/") ? path : cwd + "/" + path
        var parts: [Substring] = []
        for c in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if c == "." { continue }
            if c == ".." { _ = parts.popLast(); continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `mkdir -p`: safe when concurrent downloads create the same folders at once (a folder
    /// another task made first is not an error, as it can be for FileManager).
    public static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for c in path.split(separator: "/") {
            current += "/" + c
            if mkdir(current, 0o777) != 0 && errno != EEXIST {
                throw ClientFailure("[Errno \(errno)] \(String(cString: strerror(errno))): '\(current)'")
            }
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw ClientFailure("[Errno 17] File exists: '\(path)'")
        }
    }

    /// Whether the relative path `rel` leads above the folder it is taken from (`../x`, `a/../../x`).
    public static func escapesRoot(_ rel: String) -> Bool {
        var depth = 0
        for c in rel.split(separator: "/") where c != "." {
            depth += c == ".." ? -1 : 1
            if depth < 0 { return true }
        }
        return false
    }

    /// awscli's `relative_path`: the file's folder relative to the working directory, joined with
    /// its name, so a file in the working directory prints as `./name`.
    /// A folder path with its trailing slash prints as `dir/` (an empty name after the folder).
    public static func relative(_ path: String, cwd: String = FileManager.default.currentDirectoryPath) -> String {
        let abs = absolute(path, cwd: cwd) + (path.hasSuffix("/") && path != "/" ? "/" : "")
        let slash = abs.lastIndex(of: "/")!
        let dir = abs[..<slash].isEmpty ? "/" : String(abs[..<slash])
        let name = abs[abs.index(after: slash)...]
        let from = absolute(cwd).split(separator: "/")
        let to = dir.split(separator: "/")
        var common = 0
        while common < from.count && common < to.count && from[common] == to[common] { common += 1 }
        let up = Array(repeating: "..", count: from.count - common)
        let rel = (up + to[common...].map(String.init)).joined(separator: "/")
        // os.path.join keeps a trailing slash of the folder part (`dir/` + `` for a folder path).
        return (rel.isEmpty ? "." : rel) + "/" + name
    }
}
