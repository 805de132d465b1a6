import ArgumentParser
import CairnClient
import CairnModel
import Foundation

struct AdminBucketCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bucket", abstract: "Buckets with their usage.",
                                                    subcommands: [List.self, Info.self])

    static func table(_ buckets: [AdminAPI.Bucket]) -> AdminTable {
        AdminTable(header: ["BUCKET", "OWNER", "OBJECTS", "BYTES", "VERSIONS", "UPLOADS", "PARTS", "PART BYTES", "VERSIONING", "QUOTA"],
                   rows: buckets.map { b in
                       [b.name, b.ownerName, String(b.objects), AdminTable.bytes(b.bytes), String(b.noncurrentVersions), String(b.uploads),
                        String(b.parts), AdminTable.bytes(b.partBytes), b.versioning ?? "-", quota(b.quota)]
                   })
    }

    static func quota(_ q: AdminAPI.Quota?) -> String {
        guard let q else { return "-" }
        return [q.maxBytes.map { "\(AdminTable.bytes($0))" }, q.maxObjects.map { "\($0) objects" }].compactMap { $0 }.joined(separator: ", ")
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every bucket with its usage.")
        @OptionGroup var options: AdminOptions
        func run() async throws {
            try await options.run("ListBuckets") { client in
                let buckets = try await client.buckets()
                options.print(AdminAPI.Buckets(buckets: buckets)) { AdminBucketCommand.table(buckets) }
            }
        }
    }

    struct Info: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One bucket: owner, versioning, usage, uploads in progress, quota.")
        @Argument var bucket: String
        @OptionGroup var options: AdminOptions
        func run() async throws {
            try await options.run("GetBucketInfo") { client in
                let b = try await client.bucket(bucket)
                options.print(b) {
                    AdminTable(header: ["FIELD", "VALUE"], rows: [
                        ["name", b.name], ["owner", "\(b.ownerName) (\(b.owner))"], ["created", b.created], ["region", b.region],
                        ["versioning", b.versioning ?? "never enabled"], ["objects", String(b.objects)],
                        ["bytes", "\(b.bytes) (\(AdminTable.bytes(b.bytes)))"], ["noncurrent versions", String(b.noncurrentVersions)],
                        ["noncurrent bytes", String(b.noncurrentBytes)], ["delete markers", String(b.deleteMarkers)],
                        ["uploads in progress", String(b.uploads)], ["parts", String(b.parts)], ["part bytes", String(b.partBytes)],
                        ["oldest upload", b.oldestUpload ?? "-"], ["quota", AdminBucketCommand.quota(b.quota)],
                    ])
                }
            }
        }
    }
}

struct AdminUploadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "uploads", abstract: "Multipart uploads in progress, part by part.",
                                                    subcommands: [List.self, Abort.self])

    static func olderThan(_ text: String?) throws -> Double? {
        guard let text else { return nil }
        guard let s = AdminAPI.parseDuration(text) else { throw ValidationError("--older-than takes e.g. 1d, 12h, 30m, 45s or seconds") }
        return s
    }

    static func table(_ uploads: [AdminAPI.Upload], parts: Bool) -> AdminTable {
        var rows: [[String]] = []
        for u in uploads {
            let bytes = u.parts.reduce(Int64(0)) { $0 + $1.size }
            rows.append([u.bucket, u.key, u.uploadId, u.initiated, String(u.parts.count), AdminTable.bytes(bytes)])
            if parts {
                for p in u.parts {
                    rows.append(["", "  part \(p.partNumber)", p.etag, p.lastModified, p.checksum ?? "", AdminTable.bytes(p.size)])
                }
            }
        }
        return AdminTable(header: ["BUCKET", "KEY", "UPLOAD ID", "INITIATED", "PARTS", "BYTES"], rows: rows)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List uploads in progress with their parts.")
        @Option(help: "Only this bucket's uploads.") var bucket: String?
        @Option(name: .customLong("older-than"), help: "Only uploads initiated longer ago than this (1d, 12h, 30m, 45s).")
        var olderThan: String?
        @OptionGroup var options: AdminOptions
        func run() async throws {
            let age = try AdminUploadsCommand.olderThan(olderThan)
            try await options.run("ListUploads") { client in
                let uploads = try await client.uploads(bucket: bucket, olderThanSeconds: age)
                options.print(AdminAPI.Uploads(uploads: uploads)) { AdminUploadsCommand.table(uploads, parts: true) }
            }
        }
    }

    struct Abort: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Abort uploads by id, or all older than an age.")
        @Argument(help: "Upload ids to abort.") var uploadIds: [String] = []
        @Option(help: "Only in this bucket.") var bucket: String?
        @Option(name: .customLong("older-than"), help: "Abort every upload initiated longer ago than this (1d, 12h, 30m, 45s).")
        var olderThan: String?
        @OptionGroup var options: AdminOptions

        func validate() throws {
            guard uploadIds.isEmpty != (olderThan == nil) else {
                throw ValidationError("give upload ids, or --older-than (not both)")
            }
        }

        func run() async throws {
            let age = try AdminUploadsCommand.olderThan(olderThan)
            try await options.run("AbortUploads") { client in
                let aborted = try await client.abortUploads(AdminAPI.AbortUploads(bucket: bucket, uploadIds: uploadIds.isEmpty ? nil : uploadIds,
                                                                                  olderThanSeconds: age))
                options.print(AdminAPI.Uploads(uploads: aborted)) { AdminUploadsCommand.table(aborted, parts: false) }
            }
        }
    }
}

struct AdminQuotaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "quota", abstract: "Per-bucket quotas (writes past them: 403 QuotaExceeded).",
                                                    subcommands: [SetQuota.self, Clear.self])

    struct SetQuota: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Set a bucket's quota: max bytes and/or max objects.")
        @Argument var bucket: String
        @Option(name: .customLong("max-bytes"), help: "Most bytes the bucket may hold (versions and parts in progress count).")
        var maxBytes: Int64?
        @Option(name: .customLong("max-objects"), help: "Most objects (versions) the bucket may hold.") var maxObjects: Int64?
        @OptionGroup var options: AdminOptions

        func validate() throws {
            guard maxBytes != nil || maxObjects != nil else { throw ValidationError("give --max-bytes and/or --max-objects") }
        }

        func run() async throws {
            try await options.run("SetQuota") { client in
                let b = try await client.setQuota(bucket, AdminAPI.Quota(maxBytes: maxBytes, maxObjects: maxObjects))
                options.print(b) { AdminBucketCommand.table([b]) }
            }
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a bucket's quota.")
        @Argument var bucket: String
        @OptionGroup var options: AdminOptions
        func run() async throws {
            try await options.run("ClearQuota") { client in try await client.clearQuota(bucket) }
        }
    }
}
