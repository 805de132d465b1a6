/// `--autoterm`: stop once throughput is stable, as warp does: the rates of the last `window`
/// intervals all lie within `tolerancePercent` of their mean. Fed one rate per interval.
public struct AutoTerm: Sendable {
    public let window: Int
    public let tolerancePercent: Double
    private var recent: [Double] = []

    public init(window: Int, tolerancePercent: Double) {
        self.window = max(2, window)
        self.tolerancePercent = tolerancePercent
    }

    /// Records one interval's rate (requests or bytes per second); true when the run may stop.
    public mutating func add(_ rate: Double) -> Bool {
        recent.append(rate)
        if recent.count > window { recent.removeFirst(recent.count - window) }
        guard recent.count == window else { return false }
        let mean = recent.reduce(0, +) / Double(window)
        // A stalled endpoint is steady at zero, but that is not a measurement to stop on.
        guard mean > 0 else { return false }
        return recent.allSatisfy { abs($0 - mean) / mean * 100 <= tolerancePercent }
    }
}
