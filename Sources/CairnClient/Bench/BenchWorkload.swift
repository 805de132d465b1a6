/// The S3 operations a bench measures, named as AWS names them (the rows of the result table).
public enum BenchOperation: String, Sendable, CaseIterable, Codable, Comparable {
    case putObject = "PutObject"
    case getObject = "GetObject"
    case headObject = "HeadObject"
    case deleteObject = "DeleteObject"
    case listObjectsV2 = "ListObjectsV2"
    case createMultipartUpload = "CreateMultipartUpload"
    case uploadPart = "UploadPart"

    public static func < (a: BenchOperation, b: BenchOperation) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What `cairn bench WORKLOAD` runs: one operation over and over, or a weighted mix.
public enum BenchWorkload: String, Sendable, CaseIterable {
    case put, get, mixed, multipart, list, stat, delete

    /// Whether the workload reads or deletes objects that must exist before the clock starts.
    var needsObjects: Bool {
        switch self {
        case .put, .multipart: return false
        case .get, .mixed, .list, .stat, .delete: return true
        }
    }
}

/// The weights of a mixed workload (`--get 45 --put 15 --stat 30 --delete 10`, warp's defaults).
public struct MixWeights: Sendable, Equatable {
    public var get: Int, put: Int, stat: Int, delete: Int

    public init(get: Int = 45, put: Int = 15, stat: Int = 30, delete: Int = 10) {
        self.get = get
        self.put = put
        self.stat = stat
        self.delete = delete
    }

    var entries: [(BenchOperation, Int)] {
        [(.getObject, get), (.putObject, put), (.headObject, stat), (.deleteObject, delete)].filter { $0.1 > 0 }
    }
}

/// Deals the operations of a mixed workload in the exact ratio of their weights, spread evenly
/// (nginx's smooth weighted round robin): every run of `sum of weights` picks holds each operation
/// exactly its weight times, so even a short `--count` run has the asked ratio, which a random draw
/// would only approach.
public struct MixedScheduler: Sendable {
    private var entries: [(op: BenchOperation, weight: Int, current: Int)]
    private let total: Int

    /// Throws when no weight is positive or one is negative.
    public init(_ weights: MixWeights) throws {
        let all = [weights.get, weights.put, weights.stat, weights.delete]
        guard all.allSatisfy({ $0 >= 0 }), all.contains(where: { $0 > 0 }) else {
            throw ClientFailure("mixed workload: the weights must be >= 0 and at least one > 0")
        }
        entries = weights.entries.map { (op: $0.0, weight: $0.1, current: 0) }
        total = entries.reduce(0) { $0 + $1.weight }
    }

    /// The next operation.
    public mutating func next() -> BenchOperation {
        var best = 0
        for i in entries.indices {
            entries[i].current += entries[i].weight
            if entries[i].current > entries[best].current { best = i }
        }
        entries[best].current -= total
        return entries[best].op
    }
}
