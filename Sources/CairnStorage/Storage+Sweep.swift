import CairnModel
import Foundation

/// Deleting files nobody needs, safely while other nodes write into the same data folder.
///
/// - Temporary files: each node writes into its own `tmp/<node>/`. A node empties its own folder
///   at start (whatever is there was being written by its previous run, which is dead), and the
///   folders of nodes known dead (`isDead`: a heartbeat older than ten heartbeats, or a node of
///   this host whose process is gone; `NodeMembership.isDead`). A folder with
///   no row at all (a node between creating its folder and its first heartbeat, or one that
///   stopped and whose row is gone) goes only once nothing in it changed for `BlobGrace.seconds`.
/// - Unreferenced blobs: a blob is renamed into `blobs/` before the transaction that references it
///   commits, so "no record references it" alone would delete another node's upload in that
///   window. The sweep deletes a blob only when it is unreferenced *and* last written more than
///   `BlobGrace.seconds` ago; a writer, in turn, commits the reference within half that time of
///   its rename or not at all (`BlobGrace.check`, run as the transaction's last step, and
///   PostgreSQL's `idle_in_transaction_session_timeout` of a quarter of it, which aborts a
///   transaction whose node went silent before COMMIT). So a blob older than the grace period that
///   no record references now never will be. The referenced set is read after the listing.
extension Storage {
    /// Crash recovery, run once before serving: this node's and dead nodes' temporary files, the
    /// blobs queued for deletion (a crash after the commit that released them), then blobs no record
    /// references (a crash between a blob's rename and the commit that would have referenced it).
    public func recover(node: NodeID, isDead: (NodeStatus) -> Bool) async throws {
        await blobs.removeTemporaryFiles(of: node)
        try await removeDeadNodes(except: node, isDead: isDead)
        try await deleteQueuedBlobs()
        try await sweepUnreferencedBlobs()
    }

    /// Empties the temporary folders of dead nodes (and of no node, past the grace period) and
    /// forgets the dead nodes' rows. Returns the nodes removed.
    @discardableResult
    public func removeDeadNodes(except node: NodeID, isDead: (NodeStatus) -> Bool, now: Date = Date()) async throws -> [NodeID] {
        let rows = Dictionary(uniqueKeysWithValues: try await metadata.nodes().map { ($0.info.id, $0) })
        var removed: [NodeID] = []
        for folder in try await blobs.temporaryFolders() where folder.node != node {
            if let row = rows[folder.node] {
                guard isDead(row) else { continue }
            } else if folder.modified > now.addingTimeInterval(-BlobGrace.seconds) {
                continue
            }
            await blobs.removeTemporaryFiles(of: folder.node)
            removed.append(folder.node)
        }
        // Rows of dead nodes go after their files, so a folder never outlives the row saying whose it is.
        for (id, row) in rows where id != node && isDead(row) {
            try await metadata.removeNode(id)
            if !removed.contains(id) { removed.append(id) }
        }
        await blobs.removeLooseTemporaryFiles(modifiedBefore: now.addingTimeInterval(-BlobGrace.seconds))
        return removed.sorted()
    }

    /// Deletes the blobs committed transactions released (any node may do it: deleting is idempotent).
    func deleteQueuedBlobs() async throws {
        while true {
            let queued = try await metadata.pendingBlobDeletions(limit: 1000)
            if queued.isEmpty { break }
            await blobs.delete(queued)
            try await metadata.blobDeletionsDone(queued)
            try await metadata.withTransaction { _ in }  // drops them from the queue now
        }
    }

    /// Deletes blobs no record references that were last written more than `BlobGrace.seconds` ago.
    /// Returns how many.
    @discardableResult
    public func sweepUnreferencedBlobs(now: Date = Date()) async throws -> Int {
        // Listed first, referenced set read second: a blob referenced between the two reads is kept.
        let old = try await blobs.blobs(modifiedBefore: now.addingTimeInterval(-BlobGrace.seconds))
        // Read even when nothing is old: a record whose blob list cannot be read stops the start
        // here, before anything could count its blobs as unreferenced.
        let referenced = try await metadata.referencedBlobs()
        let orphans = old.filter { !referenced.contains($0) }
        await blobs.delete(orphans)
        counters.add { $0.blobsFreed += Int64(orphans.count) }
        return orphans.count
    }
}

/// The grace period of the sweep of unreferenced blobs, and the writer's side of the bargain.
public enum BlobGrace {
    /// A blob unreferenced for this long since it was last written may be deleted.
    public static let seconds: Double = 3600
    /// A transaction that references a blob renamed longer ago than this does not commit.
    public static let commitWithin: Duration = .seconds(seconds / 2)
    /// PostgreSQL aborts a transaction whose node sends nothing for this long (seconds).
    public static let idleInTransaction: Double = seconds / 4

    /// Throws (nothing commits; a 500 the client retries) when the blob renamed at `renamed` is too
    /// old to be referenced safely: the sweep may already consider it an orphan.
    static func check(renamed: ContinuousClock.Instant) throws {
        guard ContinuousClock.now - renamed < commitWithin else {
            throw S3Error(.internalError, "We encountered an internal error. Please try again.")
        }
    }
}
