@testable import CairnMetadataSQLite
import CairnModel
import CairnStorage
import Foundation
import NIOCore
import Testing

/// The hand-written SQLite connection: values go in and come out byte for byte (text with NUL and
/// CR, empty text vs NULL, empty and binary blobs), prepared statements are reused with fresh
/// bindings, and SQLite's errors keep their kind.
@Suite("SQLite connection")
struct SQLiteConnectionTests {
    func withConnection(_ body: (SQLiteConnection) async throws -> Void) async throws {
        let path = "\(NSTemporaryDirectory())/cairn-sqlite-\(UUID().uuidString).sqlite"
        let c = try SQLiteConnection.open(path: path, busyTimeoutMilliseconds: 100)
        try await body(c)
        try await c.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test("values round-trip exactly; a statement is reused with new bindings")
    func roundTrip() async throws {
        try await withConnection { c in
            try await c.query("CREATE TABLE t (k TEXT PRIMARY KEY, i INTEGER, b BLOB)")
            let texts = ["", "a\u{0}b", "line\r\nbreak", "\u{10FFFF}é", String(repeating: "x", count: 70_000)]
            let blob = ByteBuffer(bytes: (0...255).map { UInt8($0) })
            for (n, t) in texts.enumerated() {
                try await c.query("INSERT INTO t (k, i, b) VALUES (?, ?, ?)", [.text(t), .integer(n - 2), n == 0 ? .blob(ByteBuffer()) : .blob(blob)])
            }
            try await c.query("INSERT INTO t (k, i, b) VALUES (?, ?, ?)", [.text("null"), .null, .null])
            for (n, t) in texts.enumerated() {
                let rows = try await c.query("SELECT k, i, b FROM t WHERE k = ?", [.text(t)])
                #expect(rows.count == 1)
                #expect(rows.first?.column("k") == .text(t))
                #expect(rows.first?.column("i")?.integer == n - 2)
                #expect(rows.first?.column("b") == .blob(n == 0 ? ByteBuffer() : blob))
            }
            let null = try await c.query("SELECT k, i, b FROM t WHERE k = ?", [.text("null")]).first
            #expect(null?.column("i") == .null && null?.column("b") == .null && null?.column("nope") == nil)
            #expect(try await c.query("SELECT count(*) AS n FROM t").first?.column("n")?.integer == texts.count + 1)
        }
    }

    @Test("errors keep their kind: a constraint, a syntax error; the connection goes on working")
    func errors() async throws {
        try await withConnection { c in
            try await c.query("CREATE TABLE t (k TEXT PRIMARY KEY)")
            try await c.query("INSERT INTO t (k) VALUES (?)", [.text("a")])
            await #expect(throws: SQLiteError.self) { try await c.query("INSERT INTO t (k) VALUES (?)", [.text("a")]) }
            do {
                try await c.query("INSERT INTO t (k) VALUES (?)", [.text("a")])
            } catch let e as SQLiteError {
                #expect(e.reason == .constraint && e.message.contains("UNIQUE"))
            }
            await #expect(throws: SQLiteError.self) { try await c.query("SELEC nothing") }
            try await c.query("INSERT INTO t (k) VALUES (?)", [.text("b")])
            #expect(try await c.query("SELECT k FROM t ORDER BY k").map { $0.column("k")?.string } == ["a", "b"])
        }
    }

    @Test("closing the store while reads and writes run: they fail cleanly or finish, nothing is freed under them")
    func closeUnderLoad() async throws {
        let path = "\(NSTemporaryDirectory())/cairn-sqlite-\(UUID().uuidString).sqlite"
        let store = try await SQLiteMetadataStore.open(path: path)
        let bucket = BucketName(unchecked: "b")
        try await store.withTransaction { tx in
            try await tx.insertBucket(BucketRecord(name: bucket, owner: Owner(id: "o", displayName: "o"), createdAt: Date(), region: "us-east-1"))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<8 {
                group.addTask {
                    for n in 0..<100_000 {
                        // A statement runs without suspending: yield, or these tasks would hold
                        // the cooperative threads and starve the other tests running in parallel.
                        await Task.yield()
                        do {
                            if i % 2 == 0 {
                                _ = try await store.bucket(bucket)
                            } else {
                                try await store.withTransaction { tx in _ = try await tx.bucket(bucket); try await tx.enqueueBlobDeletions([BlobID("b\(i)-\(n)")]) }
                            }
                        } catch {
                            return  // closed under it: an error, not a crash
                        }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(50))
            try await store.close()
            try await group.waitForAll()
        }
        try? FileManager.default.removeItem(atPath: path)
    }
}
