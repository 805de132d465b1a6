import Foundation

/// Prints the lines of the `aws s3` commands, one whole line at a time from concurrent tasks:
/// results on stdout (`upload: ./a to s3://b/a`), failures and warnings on stderr. `--quiet`
/// prints nothing; `--only-show-errors` only failures and warnings.
public final class ResultPrinter: @unchecked Sendable {  // `lock` serialises the writes
    public enum Level: Sendable { case all, onlyErrors, quiet }
    let level: Level
    private let lock = NSLock()

    public init(level: Level) { self.level = level }

    public func result(_ line: String) {
        guard level == .all else { return }
        write(line, to: FileHandle.standardOutput)
    }

    public func failure(_ line: String) {
        guard level != .quiet else { return }
        write(line, to: FileHandle.standardError)
    }

    func write(_ line: String, to handle: FileHandle) {
        lock.withLock { handle.write(Data((line + "\n").utf8)) }
    }

    /// How a path is shown: `s3://bucket/key`, or a local path relative to the working directory.
    public static func display(_ path: String, isS3: Bool) -> String {
        isS3 ? "s3://" + path : LocalPath.relative(path)
    }
}
