import Foundation

/// Decoded object records by the exact JSON text they were decoded from. Foundation's JSONDecoder
/// took ~10% of a HEAD's CPU (perf, issue 19) for a record read again and again (hot objects,
/// every HEAD / GET / ACL check of the same version). The key is the stored text itself, so a
/// hit is the value decoding would give; a changed record is different text. Bounded: only texts
/// up to `maxText` bytes (a 10,000-part manifest is decoded each time rather than pinned in
/// memory), at most `limit` entries, emptied when full.
final class RecordDecodeCache<Value>: @unchecked Sendable {  // `lock` guards `values`
    private let lock = NSLock()
    private var values: [String: Value] = [:]
    private let limit: Int
    private let maxText: Int

    init(limit: Int, maxText: Int) {
        self.limit = limit
        self.maxText = maxText
    }

    func value(for text: String) -> Value? {
        guard text.utf8.count <= maxText else { return nil }
        lock.lock()
        defer { lock.unlock() }
        return values[text]
    }

    func store(_ value: Value, for text: String) {
        guard text.utf8.count <= maxText else { return }
        lock.lock()
        defer { lock.unlock() }
        if values.count >= limit { values.removeAll(keepingCapacity: true) }
        values[text] = value
    }
}

/// Object records' info column (`ObjectInfoJSON.decode`).
let objectInfoCache = RecordDecodeCache<ObjectInfoJSON>(limit: 8192, maxText: 4096)
