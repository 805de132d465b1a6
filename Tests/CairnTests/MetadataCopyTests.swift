import CairnStorage
import Foundation
import NIOConcurrencyHelpers
import Testing

/// `MetadataCopy` (`cairn metadata migrate`) against in-memory tables: the verification catches a
/// target that stores something else than it was given, and an empty target is required. The real
/// SQLite -> PostgreSQL copy is tests/integration/test_metadata_migrate.py.
@Suite("Metadata copy")
struct MetadataCopyTests {
    static let objects = MetadataTable(name: "objects", columns: ["bucket", "key", "size", "info"], keyColumns: ["bucket", "key"])

    /// Tables as sorted arrays of rows; `damage` changes rows as they are inserted.
    final class MemoryTables: MetadataImportTarget, MetadataTableWriter, @unchecked Sendable {
        let tables: [MetadataTable]
        let data: NIOLockedValueBox<[String: [[MetadataCell]]]>
        let damage: @Sendable ([[MetadataCell]]) -> [[MetadataCell]]

        init(_ tables: [MetadataTable], rows: [String: [[MetadataCell]]] = [:],
             damage: @escaping @Sendable ([[MetadataCell]]) -> [[MetadataCell]] = { $0 }) {
            self.tables = tables
            self.data = NIOLockedValueBox(rows)
            self.damage = damage
        }

        func dataTables() async throws -> [MetadataTable] { tables }
        func rowCount(_ table: String) async throws -> Int { data.withLockedValue { $0[table]?.count ?? 0 } }

        func rows(_ table: MetadataTable, after: [MetadataCell]?, limit: Int) async throws -> [[MetadataCell]] {
            let all = data.withLockedValue { $0[table.name] ?? [] }.sorted { Self.less(table.key(of: $0), table.key(of: $1)) }
            return Array(all.filter { row in after.map { Self.less($0, table.key(of: row)) } ?? true }.prefix(limit))
        }

        func insert(_ table: MetadataTable, _ rows: [[MetadataCell]]) async throws {
            data.withLockedValue { $0[table.name, default: []] += damage(rows) }
        }

        /// All or nothing, like a database transaction.
        func importing<T: Sendable>(_ body: (any MetadataTableWriter) async throws -> T) async throws -> T {
            let saved = data.withLockedValue { $0 }
            do {
                return try await body(self)
            } catch {
                data.withLockedValue { $0 = saved }
                throw error
            }
        }

        static func less(_ a: [MetadataCell], _ b: [MetadataCell]) -> Bool {
            for (x, y) in zip(a, b) where x != y {
                switch (x, y) {
                case (.text(let s), .text(let t)): return Array(s.utf8).lexicographicallyPrecedes(Array(t.utf8))
                case (.int(let i), .int(let j)): return i < j
                default: return false
                }
            }
            return false
        }
    }

    static func sourceRows(_ n: Int) -> [[MetadataCell]] {
        (0..<n).map { i in [.text("b"), .text("key-\(i)\u{10FFFF}"), .int(Int64(i)), i.isMultiple(of: 7) ? .null : .text("{\"i\":\(i)}")] }
    }

    @Test("every row arrives, in several pages; the checksum is the same for the same rows")
    func copies() async throws {
        let source = MemoryTables([Self.objects], rows: ["objects": Self.sourceRows(1234)])
        let target = MemoryTables([Self.objects])
        let results = try await MetadataCopy.copy(from: source, to: target, batch: 100)
        #expect(results.map(\.table) == ["objects"] && results[0].rows == 1234)
        #expect(try await target.rowCount("objects") == 1234)
        let again = try await MetadataCopy.copy(from: source, to: MemoryTables([Self.objects]), batch: 7)
        #expect(again[0].checksum == results[0].checksum)
    }

    @Test("a target that changes a value, or loses a row, fails the copy and keeps nothing")
    func verifies() async throws {
        let source = MemoryTables([Self.objects], rows: ["objects": Self.sourceRows(50)])
        let changed = MemoryTables([Self.objects]) { rows in
            rows.map { $0[2] == .int(17) ? [$0[0], $0[1], .int(17), .text("{\"i\":18}")] : $0 }
        }
        await #expect(throws: MetadataCopy.Failure.self) { try await MetadataCopy.copy(from: source, to: changed) }
        #expect(try await changed.rowCount("objects") == 0)
        let lossy = MemoryTables([Self.objects]) { rows in rows.filter { $0[2] != .int(3) } }
        await #expect(throws: MetadataCopy.Failure.self) { try await MetadataCopy.copy(from: source, to: lossy) }
        #expect(MetadataCopyTests.digestDiffers())
    }

    @Test("a target with rows, or without one of the source's tables or columns, is refused")
    func refuses() async throws {
        let source = MemoryTables([Self.objects], rows: ["objects": Self.sourceRows(3)])
        let full = MemoryTables([Self.objects], rows: ["objects": Self.sourceRows(1)])
        await #expect(throws: MetadataCopy.Failure.self) { try await MetadataCopy.copy(from: source, to: full) }
        #expect(try await full.rowCount("objects") == 1)
        await #expect(throws: MetadataCopy.Failure.self) { try await MetadataCopy.copy(from: source, to: MemoryTables([])) }
        let narrower = MetadataTable(name: "objects", columns: ["bucket", "key", "size"], keyColumns: ["bucket", "key"])
        await #expect(throws: MetadataCopy.Failure.self) { try await MetadataCopy.copy(from: source, to: MemoryTables([narrower])) }
    }

    /// NULL, 0 and "0", or text split differently across cells, never digest alike.
    static func digestDiffers() -> Bool {
        let rows: [[MetadataCell]] = [[.null], [.int(0)], [.text("0")], [.text("ab"), .text("c")], [.text("a"), .text("bc")]]
        return Set(rows.map { MetadataCopy.rowDigest($0) }).count == rows.count
    }
}
