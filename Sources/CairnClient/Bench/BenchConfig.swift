import Foundation

/// Everything `cairn bench` was asked to do (the command line, parsed and checked).
public struct BenchConfig: Sendable {
    public var workload: BenchWorkload
    public var bucket: String
    /// Keys are `prefix + run id + "/" + number`, so a run only ever cleans up its own objects.
    public var prefix = "cairn-bench/"
    public var concurrency = 16
    /// Stop after this many requests of the measured phase, or
    public var count: Int?
    /// after this many seconds (whichever comes first when both are set).
    public var duration: Double?
    public var sizes = SizeDistribution(min: 1 << 20, max: 1 << 20)
    public var partSize: Int64 = 5 << 20
    /// UploadParts per multipart upload before the next upload is started.
    public var partsPerUpload = 100
    /// Objects created before the clock starts for get, stat, list and mixed.
    public var objects = 100
    public var mix = MixWeights()
    /// `--autoterm`: the stability window (intervals of one second) and tolerance.
    public var autoterm: AutoTerm?
    public var noClear = false
    public var serverPID: Int32?
    /// Draw the one-line live progress (only on a terminal).
    public var progress = false

    public init(workload: BenchWorkload, bucket: String) {
        self.workload = workload
        self.bucket = bucket
    }

    /// How many objects the preparation creates: a delete run of `--count N` needs N of them.
    var objectsToPrepare: Int {
        guard workload.needsObjects else { return 0 }
        if workload == .delete, let count { return max(objects, count) }
        return objects
    }

    /// The largest body any request sends (the size of the one generated payload buffer).
    var largestBody: Int64 {
        workload == .multipart ? partSize : sizes.max
    }
}
