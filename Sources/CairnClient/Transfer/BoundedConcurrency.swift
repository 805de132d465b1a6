/// Runs `work(i)` for every i in `0..<count` with at most `limit` in flight, and returns the
/// results in index order. The first error cancels the rest and is rethrown. (Parts and ranges of
/// `cairn cp`, and the part-size lookups of a download's verification, all go through here.)
func boundedConcurrently<T: Sendable>(_ count: Int, limit: Int,
                                      _ work: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
    guard count > 0 else { return [] }
    var results = [T?](repeating: nil, count: count)
    try await withThrowingTaskGroup(of: (Int, T).self) { group in
        var next = 0
        func add() {
            guard next < count else { return }
            let i = next
            next += 1
            group.addTask { (i, try await work(i)) }
        }
        for _ in 0..<max(1, limit) { add() }
        while let (i, value) = try await group.next() {
            results[i] = value
            add()
        }
    }
    return results.map { $0! }
}
