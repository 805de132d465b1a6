import Foundation

/// Prints the lines of the `aws s3` commands, one whole line at a time from concurrent tasks:
/// results on stdout (`upload: ./a to s3://b/a`), failures and warnings on stderr. `--quiet`
/// prints nothing; `--only-show-errors` only failures and warnings. On a terminal, a progress
/// line for the whole command stays under the results (drawn with `\r`, redrawn at most five
/// times a second); unlike the aws CLI, none is drawn into a pipe or file.
public final class ResultPrinter: @unchecked Sendable {  // `lock` guards everything below
    public enum Level: Sendable { case all, onlyErrors, quiet }
    let level: Level
    let drawsProgress: Bool
    private let lock = NSLock()
    private var progress: BatchProgress?
    private var shownLength = 0
    private var lastDraw = Date.distantPast

    public init(level: Level, progress: Bool = false) {
        self.level = level
        self.drawsProgress = progress && level == .all
    }

    /// Starts the progress line (when drawn at all) for `files` files of `bytes` bytes in all.
    public func startProgress(bytes: Int64, files: Int, countsBytes: Bool) {
        guard drawsProgress, files > 0 else { return }
        lock.withLock { progress = BatchProgress(totalBytes: bytes, totalFiles: files, countsBytes: countsBytes) }
    }

    /// Counts transferred bytes (negative: taken back for a retry).
    public func add(bytes: Int64) {
        lock.withLock {
            guard progress != nil else { return }
            progress!.doneBytes = max(0, progress!.doneBytes + bytes)
            if Date().timeIntervalSince(lastDraw) > 0.2 { drawProgress() }
        }
    }

    /// A file's result line (`upload: ...`); counts the file as done.
    public func result(_ line: String) {
        lock.withLock {
            progress?.doneFiles += 1
            if level == .all { write(line, to: FileHandle.standardOutput) }
        }
    }

    /// A failure or warning on stderr; `fileDone` counts a failed file as done.
    public func failure(_ line: String, fileDone: Bool = false) {
        lock.withLock {
            if fileDone { progress?.doneFiles += 1 }
            if level != .quiet { write(line, to: FileHandle.standardError) }
        }
    }

    /// Takes the progress line off the screen at the end.
    public func finish() {
        lock.withLock {
            if shownLength > 0 { FileHandle.standardOutput.write(Data(("\r" + String(repeating: " ", count: shownLength) + "\r").utf8)) }
            shownLength = 0
            progress = nil
        }
    }

    /// Writes a line over the progress line, then draws the progress line again below it.
    private func write(_ line: String, to handle: FileHandle) {
        if shownLength > 0 {
            FileHandle.standardOutput.write(Data(("\r" + String(repeating: " ", count: shownLength) + "\r").utf8))
            shownLength = 0
        }
        handle.write(Data((line + "\n").utf8))
        if let p = progress, p.remainingFiles > 0 { drawProgress() }
    }

    private func drawProgress() {
        guard let p = progress else { return }
        let text = p.line()
        let pad = String(repeating: " ", count: max(0, shownLength - text.count))
        FileHandle.standardOutput.write(Data(("\r" + text + pad).utf8))
        shownLength = text.count
        lastDraw = Date()
    }

    /// How a path is shown: `s3://bucket/key`, or a local path relative to the working directory.
    public static func display(_ path: String, isS3: Bool) -> String {
        isS3 ? "s3://" + path : LocalPath.relative(path)
    }
}
