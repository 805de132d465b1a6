import Crypto
import Foundation

/// `cairn metadata migrate`: copies every data table of one store into an empty other one, in one
/// transaction of the target, and verifies the copy before it commits: each table's row count on
/// both sides, and a SHA-256 of every row read back from the target compared with the same digest
/// of the source's row (in primary-key order). A difference aborts the transaction: the target
/// stays empty.
public enum MetadataCopy {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// What was copied, per table.
    public struct TableResult: Sendable, Equatable {
        public var table: String
        public var rows: Int
        /// SHA-256 over the rows' digests, in key order; the same on both sides.
        public var checksum: String
    }

    public static func copy(from source: any MetadataTableReader, to target: any MetadataImportTarget,
                            batch: Int = 500) async throws -> [TableResult] {
        let tables = try await source.dataTables()
        let targetTables = Dictionary(uniqueKeysWithValues: try await target.dataTables().map { ($0.name, $0) })
        for t in tables {
            guard let other = targetTables[t.name] else { throw Failure(description: "the target has no table \(t.name)") }
            guard Set(other.columns) == Set(t.columns) else {
                throw Failure(description: "table \(t.name) has columns \(t.columns.sorted()) in the source, \(other.columns.sorted()) in the target")
            }
        }
        for name in targetTables.keys.sorted() {
            let n = try await target.rowCount(name)
            guard n == 0 else { throw Failure(description: "the target is not empty: table \(name) has \(n) rows") }
        }
        return try await target.importing { writer in
            var results: [TableResult] = []
            for t in tables {
                let copied = try await copyTable(t, from: source, to: writer, batch: batch)
                results.append(try await verifyTable(t, source: source, target: writer, digests: copied, batch: batch))
            }
            return results
        }
    }

    /// Copies one table; returns the digests of the source's rows, in key order.
    static func copyTable(_ t: MetadataTable, from source: any MetadataTableReader, to writer: any MetadataTableWriter,
                          batch: Int) async throws -> [SHA256.Digest] {
        var digests: [SHA256.Digest] = []
        var after: [MetadataCell]?
        while true {
            let rows = try await source.rows(t, after: after, limit: batch)
            if rows.isEmpty { return digests }
            try await writer.insert(t, rows)
            digests += rows.map(digest)
            after = t.key(of: rows.last!)
        }
    }

    /// Reads the table back from the target and compares every row's digest and both counts.
    static func verifyTable(_ t: MetadataTable, source: any MetadataTableReader, target: any MetadataTableWriter,
                            digests: [SHA256.Digest], batch: Int) async throws -> TableResult {
        var index = 0
        var after: [MetadataCell]?
        while true {
            let rows = try await target.rows(t, after: after, limit: batch)
            if rows.isEmpty { break }
            for row in rows {
                guard index < digests.count, digest(row) == digests[index] else {
                    throw Failure(description: "table \(t.name): the target's row \(index + 1) (key \(t.key(of: row))) differs from the source's")
                }
                index += 1
            }
            after = t.key(of: rows.last!)
        }
        let (sourceCount, targetCount) = (try await source.rowCount(t.name), try await target.rowCount(t.name))
        guard index == digests.count, sourceCount == digests.count, targetCount == digests.count else {
            throw Failure(description: "table \(t.name): \(sourceCount) rows in the source, \(digests.count) copied, \(targetCount) in the target")
        }
        var whole = SHA256()
        for d in digests { whole.update(data: Data(d)) }
        return TableResult(table: t.name, rows: digests.count, checksum: whole.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// A row's digest in hex (what the copy compares).
    public static func rowDigest(_ row: [MetadataCell]) -> String {
        digest(row).map { String(format: "%02x", $0) }.joined()
    }

    /// SHA-256 of a row's cells, each tagged with its kind (so NULL, 0 and "0" differ) and text
    /// length-prefixed (so no two rows encode alike).
    static func digest(_ row: [MetadataCell]) -> SHA256.Digest {
        var bytes: [UInt8] = []
        for cell in row {
            switch cell {
            case .null:
                bytes.append(0)
            case .int(let i):
                bytes.append(1)
                withUnsafeBytes(of: i.bigEndian) { bytes += $0 }
            case .text(let s):
                bytes.append(2)
                withUnsafeBytes(of: UInt32(s.utf8.count).bigEndian) { bytes += $0 }
                bytes += s.utf8
            case .bytes(let b):
                bytes.append(3)
                withUnsafeBytes(of: UInt32(b.count).bigEndian) { bytes += $0 }
                bytes += b
            }
        }
        return SHA256.hash(data: bytes)
    }
}
