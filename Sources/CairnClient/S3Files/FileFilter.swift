import Foundation

/// `--exclude` / `--include` as the aws CLI applies them (awscli `filters.py`): every file starts
/// included; each filter, in command-line order, that matches the file's full path sets it
/// excluded or included, so the last match wins. A pattern is a shell glob (`*` also matches `/`)
/// taken relative to the source root, and again relative to the destination root (which is what
/// lets sync's `--delete` respect filters on the destination's files).
public struct FileFilter: Sendable {
    public enum Rule: Sendable, Equatable {
        case exclude(String)
        case include(String)
    }

    let rules: [(include: Bool, sourcePattern: String, destinationPattern: String)]

    public init(rules: [Rule], pair: FilePair) {
        let srcRoot = Self.root(pair.source, directory: pair.directory)
        let dstRoot = Self.root(pair.destination, directory: pair.directory)
        self.rules = rules.map { rule in
            switch rule {
            case .exclude(let p): return (false, Self.join(srcRoot, p), Self.join(dstRoot, p))
            case .include(let p): return (true, Self.join(srcRoot, p), Self.join(dstRoot, p))
            }
        }
    }

    /// Whether the file at `path` (absolute local path or `bucket/key`) passes the filters.
    public func includes(_ path: String) -> Bool {
        var included = true
        for r in rules {
            if Self.matches(r.sourcePattern, path) { included = r.include }
            if Self.matches(r.destinationPattern, path) { included = r.include }
        }
        return included
    }

    /// The folder patterns are relative to: the source itself for a folder operation, else the
    /// folder holding it (awscli `_get_local_root` / `_get_s3_root`).
    static func root(_ side: FileSide, directory: Bool) -> String {
        var p = side.path
        if side.isS3 {
            let (bucket, key0) = S3URI.split(p)
            var key = key0
            if !directory && !key.hasSuffix("/") {
                key = key.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            }
            return bucket + "/" + key
        }
        if p.hasSuffix("/") { p.removeLast() }
        if directory { return p.isEmpty ? "/" : p }
        return (p as NSString).deletingLastPathComponent
    }

    /// `os.path.join(root, pattern)`: an absolute pattern stands alone.
    static func join(_ root: String, _ pattern: String) -> String {
        if pattern.hasPrefix("/") { return pattern }
        if root.isEmpty || root.hasSuffix("/") { return root + pattern }
        return root + "/" + pattern
    }

    /// Python's `fnmatch.fnmatch` on POSIX: `*`, `?`, `[...]`, `[!...]`; no escape character and
    /// no special meaning for `/` or a leading dot.
    static func matches(_ pattern: String, _ path: String) -> Bool {
        fnmatch(pattern, path, FNM_NOESCAPE) == 0
    }
}

extension FileFilter.Rule {
    /// The `--exclude` / `--include` options in the order they were typed. ArgumentParser keeps
    /// each option's values in order but not their interleaving, which decides the result, so
    /// the raw arguments are read again; `exclude` and `include` (as parsed) check the reading.
    public static func inCommandLineOrder(_ arguments: [String], exclude: [String], include: [String]) -> [FileFilter.Rule] {
        var rules: [FileFilter.Rule] = []
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" { break }
            for (name, make) in [("--exclude", FileFilter.Rule.exclude), ("--include", FileFilter.Rule.include)] {
                if a == name, i + 1 < arguments.count {
                    rules.append(make(arguments[i + 1]))
                    i += 1
                } else if a.hasPrefix(name + "=") {
                    rules.append(make(String(a.dropFirst(name.count + 1))))
                }
            }
            i += 1
        }
        let ex = rules.compactMap { if case .exclude(let p) = $0 { return p } else { return nil } }
        let inc = rules.compactMap { if case .include(let p) = $0 { return p } else { return nil } }
        if ex == exclude && inc == include { return rules }
        return exclude.map(FileFilter.Rule.exclude) + include.map(FileFilter.Rule.include)
    }
}
