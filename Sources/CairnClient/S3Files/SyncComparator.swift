/// How sync decides that a file present on both sides must be sent again (awscli's sync
/// strategies): by default when the sizes differ or the source is newer (for a download: when the
/// local file is newer than the object, since a download sets the file's mtime to the object's
/// LastModified); `--size-only` looks at sizes alone; `--exact-timestamps` makes a download
/// also happen when the times differ at all.
public enum SyncRule: Sendable {
    case sizeAndLastModified
    case sizeOnly
    case exactTimestamps

    func shouldSync(source: FileEntry, destination: FileEntry, download: Bool) -> Bool {
        let sameSize = source.size == destination.size
        if self == .sizeOnly { return !sameSize }
        let delta = destination.lastModified - source.lastModified
        let upToDate: Bool
        if download {
            upToDate = self == .exactTimestamps ? delta == 0 : delta <= 0
        } else {
            upToDate = delta >= 0
        }
        return !sameSize || !upToDate
    }
}

/// Pairs the two sides of a sync by compare key (both sorted the same way) and returns what to
/// send, and, with `--delete`, what to delete on the destination (awscli `Comparator`).
public enum SyncComparator {
    public static func compare(source: [FileEntry], destination: [FileEntry], rule: SyncRule, delete: Bool,
                               download: Bool) -> (send: [FileEntry], remove: [FileEntry]) {
        var send: [FileEntry] = [], remove: [FileEntry] = []
        var i = 0, j = 0
        while i < source.count || j < destination.count {
            if j == destination.count {
                send.append(source[i]); i += 1
            } else if i == source.count {
                if delete { remove.append(destination[j]) }
                j += 1
            } else if source[i].compareKey == destination[j].compareKey {
                if rule.shouldSync(source: source[i], destination: destination[j], download: download) { send.append(source[i]) }
                i += 1; j += 1
            } else if source[i].compareKey.utf8.lexicographicallyPrecedes(destination[j].compareKey.utf8) {
                send.append(source[i]); i += 1
            } else {
                if delete { remove.append(destination[j]) }
                j += 1
            }
        }
        return (send, remove)
    }
}
