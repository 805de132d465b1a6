import Foundation

/// The counters behind the one progress line of a many-file command, worded as the aws CLI's:
/// `Completed 1.0 MiB/3.2 MiB (2.1 MiB/s) with 3 file(s) remaining`, or for deletes
/// `Completed 4 file(s) with 6 file(s) remaining`.
public struct BatchProgress: Sendable {
    public var totalBytes: Int64
    public var totalFiles: Int
    /// False when the files carry no bytes to count (rm, sync's deletes).
    public var countsBytes: Bool
    public var doneBytes: Int64 = 0
    public var doneFiles = 0
    let start: Date

    public init(totalBytes: Int64, totalFiles: Int, countsBytes: Bool, start: Date = Date()) {
        self.totalBytes = totalBytes
        self.totalFiles = totalFiles
        self.countsBytes = countsBytes
        self.start = start
    }

    public var remainingFiles: Int { max(0, totalFiles - doneFiles) }

    public func line(now: Date = Date()) -> String {
        let remaining = "with \(remainingFiles) file(s) remaining"
        guard countsBytes else { return "Completed \(doneFiles) file(s) \(remaining)" }
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Int64(Double(doneBytes) / elapsed)
        return "Completed \(ListingPrinter.humanSize(doneBytes))/\(ListingPrinter.humanSize(totalBytes)) "
            + "(\(ListingPrinter.humanSize(rate))/s) \(remaining)"
    }
}
