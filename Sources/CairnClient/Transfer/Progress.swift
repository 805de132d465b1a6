import Foundation

/// Counts transferred bytes; on a terminal draws `[#####-----] 40% 12.0 MiB/30.0 MiB 45.1 MiB/s ETA 0:03`
/// about five times a second. Optionally throttles to a byte rate (`--max-bandwidth`).
public final class TransferProgress: @unchecked Sendable {
    let total: Int64
    let label: String
    let draw: Bool
    let maxBandwidth: Int64?
    /// Told every count too (`cairn s3`'s one progress line over many files).
    let observer: (@Sendable (Int64) -> Void)?
    private let lock = NSLock()
    private var done: Int64 = 0
    private var start = Date()
    private var lastDraw = Date.distantPast

    public init(total: Int64, label: String, draw: Bool, maxBandwidth: Int64? = nil, observer: (@Sendable (Int64) -> Void)? = nil) {
        self.total = total
        self.label = label
        self.draw = draw
        self.maxBandwidth = maxBandwidth
        self.observer = observer
    }

    public var bytes: Int64 { lock.withLock { done } }

    /// Records `n` bytes; sleeps first when over `maxBandwidth`. A negative `n` takes back bytes
    /// of a failed attempt that is being retried.
    public func add(_ n: Int) async {
        if let rate = maxBandwidth, rate > 0, n > 0 {
            let (soFar, elapsed) = lock.withLock { (done, Date().timeIntervalSince(start)) }
            let due = Double(soFar + Int64(n)) / Double(rate)
            if due > elapsed { try? await Task.sleep(nanoseconds: UInt64((due - elapsed) * 1e9)) }
        }
        observer?(Int64(n))
        let (shouldDraw, snapshot): (Bool, Int64) = lock.withLock {
            done = max(0, min(total, done + Int64(n)))
            let now = Date()
            if draw && now.timeIntervalSince(lastDraw) > 0.2 { lastDraw = now; return (true, done) }
            return (false, done)
        }
        if shouldDraw { render(snapshot, final: false) }
    }

    /// Counts bytes already present (resumed parts) without affecting the rate.
    public func skip(_ n: Int64) {
        observer?(n)
        lock.withLock { done = min(total, done + n) }
    }

    public func finish() {
        if draw { render(bytes, final: true) }
    }

    public static func human(_ b: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = b
        var i = 0
        while v >= 1024 && i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(Int(v)) B" : String(format: "%.1f %@", v, units[i])
    }

    func render(_ doneBytes: Int64, final: Bool) {
        let elapsed = max(0.001, Date().timeIntervalSince(start))
        let rate = Double(doneBytes) / elapsed
        let frac = total > 0 ? Double(doneBytes) / Double(total) : 1
        let width = 24
        let filled = Int(frac * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let eta: String
        if rate > 0 && doneBytes < total {
            let s = Int(Double(total - doneBytes) / rate)
            eta = String(format: "%d:%02d", s / 60, s % 60)
        } else { eta = "0:00" }
        let line = String(format: "\r%@ [%@] %3d%% %@/%@ %@/s ETA %@ ", label, bar, Int(frac * 100),
                          Self.human(Double(doneBytes)), Self.human(Double(total)), Self.human(rate), eta)
        FileHandle.standardOutput.write(Data((line + (final ? "\n" : "")).utf8))
    }
}
