import CairnModel
import Foundation

/// A client of Cairn's admin API (`/admin/v1/...` on the admin listener): JSON requests, SigV4
/// signed with the configured key (which must be an admin user's), over the S3 client's transport
/// and retries. The wire types are `AdminAPI`'s, shared with the server.
public struct AdminClient: Sendable {
    let client: S3Client

    public init(client: S3Client) { self.client = client }

    public func users() async throws -> [AdminAPI.User] {
        try await get("users", AdminAPI.Users.self).users
    }

    public func addUser(name: String, admin: Bool) async throws -> AdminAPI.User {
        try await call("POST", "users", body: AdminAPI.NewUser(name: name, admin: admin), AdminAPI.User.self)
    }

    public func removeUser(_ nameOrID: String) async throws {
        try await call("DELETE", "users/" + URIEncoding.encode(nameOrID))
    }

    public func keys(user: String?) async throws -> [AdminAPI.Key] {
        try await get("keys", AdminAPI.Keys.self, query: user.map { [("user", $0)] } ?? []).keys
    }

    public func createKey(user: String) async throws -> AdminAPI.Key {
        try await call("POST", "keys", body: AdminAPI.NewKey(user: user), AdminAPI.Key.self)
    }

    public func setKey(_ accessKey: String, enabled: Bool) async throws {
        try await call("POST", "keys/\(URIEncoding.encode(accessKey))/\(enabled ? "enable" : "disable")")
    }

    public func deleteKey(_ accessKey: String) async throws {
        try await call("DELETE", "keys/" + URIEncoding.encode(accessKey))
    }

    public func buckets() async throws -> [AdminAPI.Bucket] {
        try await get("buckets", AdminAPI.Buckets.self).buckets
    }

    public func bucket(_ name: String) async throws -> AdminAPI.Bucket {
        try await get("buckets/" + URIEncoding.encode(name), AdminAPI.Bucket.self)
    }

    public func setQuota(_ bucket: String, _ quota: AdminAPI.Quota) async throws -> AdminAPI.Bucket {
        try await call("PUT", "buckets/\(URIEncoding.encode(bucket))/quota", body: quota, AdminAPI.Bucket.self)
    }

    public func clearQuota(_ bucket: String) async throws {
        try await call("DELETE", "buckets/\(URIEncoding.encode(bucket))/quota")
    }

    public func uploads(bucket: String?, olderThanSeconds: Double?) async throws -> [AdminAPI.Upload] {
        var query: [(String, String)] = []
        if let bucket { query.append(("bucket", bucket)) }
        if let olderThanSeconds { query.append(("older-than-seconds", String(olderThanSeconds))) }
        return try await get("uploads", AdminAPI.Uploads.self, query: query).uploads
    }

    public func abortUploads(_ request: AdminAPI.AbortUploads) async throws -> [AdminAPI.Upload] {
        try await call("POST", "uploads/abort", body: request, AdminAPI.Uploads.self).uploads
    }

    private func get<T: Decodable>(_ path: String, _: T.Type, query: [(String, String)] = []) async throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try await send("GET", path, query: query, body: nil).body))
    }

    private func call<T: Decodable>(_ method: String, _ path: String, body: some Encodable, _: T.Type) async throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try await send(method, path, query: [], body: try JSONEncoder().encode(body)).body))
    }

    private func call(_ method: String, _ path: String) async throws {
        _ = try await send(method, path, query: [], body: nil)
    }

    /// `/admin/v1/<path>`, path-style: the "bucket" is `admin`, the "key" the rest (already encoded
    /// segments are not encoded again: the key keeps its slashes and `%`).
    private func send(_ method: String, _ path: String, query: [(String, String)], body: Data?) async throws -> S3Response {
        var request = S3Request(method: method, bucket: "admin", key: URIEncoding.decode("v1/" + path), query: query,
                                headers: body == nil ? [] : [("content-type", "application/json")],
                                body: body.map { .bytes(Array($0)) } ?? .empty)
        request.errorIn200 = false
        return try await client.send(request)
    }
}
