import Foundation

/// The slice of botocore's S3 service model that `cairn s3api` uses (see generate_model.py):
/// operations with their HTTP binding, shapes with member locations, paginators, CLI names.
public struct S3Model: Sendable {
    /// An `xmlNamespace` trait: `xmlns="uri"`, or `xmlns:prefix="uri"` with a prefix.
    public struct Namespace: Codable, Sendable {
        public var uri: String
        public var prefix: String?
        /// The attribute botocore writes for it.
        public var attributeName: String { prefix.map { "xmlns:\($0)" } ?? "xmlns" }
    }

    public struct Member: Codable, Sendable {
        public var name: String
        public var shape: String
        public var loc: String?
        public var wire: String?
        public var flattened: Bool?
        public var xmlNamespace: Namespace?
        public var streaming: Bool?
        /// Serialised as an attribute of the parent element (e.g. `xsi:type` of a Grantee).
        public var xmlAttribute: Bool?
        public var timestampFormat: String?
        /// An event stream payload (SelectObjectContent's `Payload`).
        public var eventstream: Bool?
        public var required: Bool?
        public var doc: String?
        public var cli: String
        public var isRequired: Bool { required ?? false }
        /// The element or header name on the wire.
        public var wireName: String { wire ?? name }
    }

    public struct Shape: Codable, Sendable {
        public var type: String
        public var members: [Member]?
        public var payload: String?
        public var xmlName: String?
        public var xmlNamespace: Namespace?
        public var member: String?
        /// The list member's own `locationName`, when it has one.
        public var memberName: String?
        public var flattened: Bool?
        public var key: String?
        public var value: String?
        public var keyName: String?
        public var valueName: String?
        public var `enum`: [String]?
        public var timestampFormat: String?
    }

    public struct Paginator: Codable, Sendable {
        public var input_token: [String]
        public var output_token: [String]
        public var result_key: [String]
        public var limit_key: String?
        public var more_results: String?
        public var non_aggregate_keys: [String]?
    }

    /// The `httpChecksum` trait.
    public struct Checksum: Codable, Sendable {
        public var requestAlgorithmMember: String?
        public var requestChecksumRequired: Bool?
        public var requestValidationModeMember: String?
    }

    public struct Operation: Codable, Sendable {
        public var method: String
        public var uri: String
        public var cli: String
        public var input: String?
        public var output: String?
        public var paginator: Paginator?
        public var checksum: Checksum?
        /// The older `httpChecksumRequired` trait.
        public var checksumRequired: Bool?
        /// `endpoint.hostPrefix` (WriteGetObjectResponse's `{RequestRoute}.`).
        public var hostPrefix: String?
        /// The SigV4 service name when it is not `s3` (from the endpoint rules' static context).
        public var signingName: String?
    }

    struct Root: Codable {
        var operations: [String: Operation]
        var shapes: [String: Shape]
    }

    public let operations: [String: Operation]
    public let shapes: [String: Shape]

    public static let shared: S3Model = {
        let root = try! JSONDecoder().decode(Root.self, from: Data(PackageResources.s3_model_json))
        return S3Model(operations: root.operations, shapes: root.shapes)
    }()

    public func shape(_ name: String) -> Shape { shapes[name]! }

    /// The operation whose aws CLI name is `cli` (e.g. `upload-part` -> `UploadPart`).
    public func operation(cli: String) -> (name: String, op: Operation)? {
        operations.first { $0.value.cli == cli }.map { ($0.key, $0.value) }
    }

    public var cliNames: [String] { operations.values.map(\.cli).sorted() }

    /// The structure's member named by its `payload` trait, if any.
    public func payloadMember(of structure: String?) -> Member? {
        guard let structure, let shape = shapes[structure], let p = shape.payload else { return nil }
        return shape.members?.first { $0.name == p }
    }

    /// The payload member when it is a streaming blob: a file on the aws CLI's command line
    /// (`--body` of PutObject, UploadPart, WriteGetObjectResponse; the `outfile` of GetObject
    /// and GetObjectTorrent).
    public func streamingBlob(of structure: String?) -> Member? {
        guard let m = payloadMember(of: structure), m.streaming == true, shape(m.shape).type == "blob" else { return nil }
        return m
    }
}
