import Foundation

/// The slice of botocore's S3 service model that `cairn s3api` uses (see generate_model.py):
/// operations with their HTTP binding, shapes with member locations, paginators, CLI names.
public struct S3Model: Sendable {
    public struct Namespace: Codable, Sendable { public var uri: String }

    public struct Member: Codable, Sendable {
        public var name: String
        public var shape: String
        public var loc: String?
        public var wire: String?
        public var flattened: Bool?
        public var xmlNamespace: Namespace?
        public var streaming: Bool?
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
        public var xmlNamespace: String?
        public var member: String?
        public var memberName: String?
        public var flattened: Bool?
        public var key: String?
        public var value: String?
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

    public struct Operation: Codable, Sendable {
        public var method: String
        public var uri: String
        public var cli: String
        public var input: String?
        public var output: String?
        public var paginator: Paginator?
    }

    struct Root: Codable {
        var operations: [String: Operation]
        var shapes: [String: Shape]
    }

    public let operations: [String: Operation]
    public let shapes: [String: Shape]

    public static let shared: S3Model = {
        let root = try! JSONDecoder().decode(Root.self, from: Data(S3ModelData.json.utf8))
        return S3Model(operations: root.operations, shapes: root.shapes)
    }()

    public func shape(_ name: String) -> Shape { shapes[name]! }

    /// The operation whose aws CLI name is `cli` (e.g. `upload-part` -> `UploadPart`).
    public func operation(cli: String) -> (name: String, op: Operation)? {
        operations.first { $0.value.cli == cli }.map { ($0.key, $0.value) }
    }

    public var cliNames: [String] { operations.values.map(\.cli).sorted() }
}
