import Foundation

/// The objects a bench may read or delete, with their sizes. A key being read is never handed out
/// for deletion (and a key being deleted is no longer handed out for reading), so a mixed workload
/// counts no 404 it caused itself.
public final class ObjectPool: @unchecked Sendable {  // `lock` guards all state
    private let lock = NSLock()
    private var keys: [String] = []
    private var sizes: [String: Int64] = [:]
    private var readers: [String: Int] = [:]
    private var cursor = 0

    public init() {}

    public var count: Int { lock.withLock { keys.count } }

    public func add(_ key: String, size: Int64) {
        lock.withLock {
            keys.append(key)
            sizes[key] = size
        }
    }

    /// A key to read (round robin, so every object is read about as often), marked as being read
    /// until `endRead`; nil when the pool is empty.
    public func beginRead() -> (key: String, size: Int64)? {
        lock.withLock {
            guard !keys.isEmpty else { return nil }
            cursor = (cursor + 1) % keys.count
            let key = keys[cursor]
            readers[key, default: 0] += 1
            return (key, sizes[key]!)
        }
    }

    public func endRead(_ key: String) {
        lock.withLock {
            readers[key]! -= 1
            if readers[key]! == 0 { readers[key] = nil }
        }
    }

    /// Removes and returns a key nobody is reading; nil when there is none.
    public func takeForDelete() -> String? {
        lock.withLock {
            guard !keys.isEmpty else { return nil }
            // Start at a random place so deletes do not chase the readers' round robin.
            let start = Int.random(in: 0..<keys.count)
            for step in 0..<keys.count {
                let i = (start + step) % keys.count
                guard readers[keys[i]] == nil else { continue }
                let key = keys[i]
                keys.swapAt(i, keys.count - 1)
                keys.removeLast()
                sizes[key] = nil
                return key
            }
            return nil
        }
    }
}
