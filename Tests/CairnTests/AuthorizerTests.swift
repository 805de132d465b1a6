import CairnModel
import CairnPolicy
import CairnProtocol
import Testing

@Suite("Authorizer: one decision per request, the bucket owner's rule")
struct AuthorizerTests {
    static let alice = UserIdentity(accessKey: "AKALICE", secretKey: "a", id: "alice-id", displayName: "alice")
    static let bob = UserIdentity(accessKey: "AKBOB", secretKey: "b", id: "bob-id", displayName: "bob")
    static let alicesBucket = Owner(id: "alice-id", displayName: "alice")
    static func address(_ b: String, _ k: String) -> ObjectAddress {
        ObjectAddress(bucket: BucketName(unchecked: b), key: ObjectKey(unchecked: k))
    }

    func decide(_ p: Principal, _ a: S3Action, _ r: S3Resource, owner: Owner?) -> Authorizer.Decision {
        Authorizer.decide(.init(principal: p, action: a, resource: r, bucketOwner: owner))
    }

    @Test("The bucket's owner may do every action on the bucket and its objects")
    func ownerAllowed() {
        for a in [S3Action.getObject, .putObject, .deleteObject, .listBucket, .putLifecycleConfiguration, .deleteBucket] {
            #expect(decide(.user(Self.alice), a, .object(bucket: "b", key: "k"), owner: Self.alicesBucket) == .allow)
        }
    }

    @Test("Another user and an anonymous request are denied on someone's bucket")
    func othersDenied() {
        #expect(decide(.user(Self.bob), .getObject, .object(bucket: "b", key: "k"), owner: Self.alicesBucket) == .deny)
        #expect(decide(.anonymous, .getObject, .object(bucket: "b", key: "k"), owner: Self.alicesBucket) == .deny)
        #expect(throws: S3Error.self) {
            try Authorizer.authorize(.init(principal: .user(Self.bob), action: .listBucket, resource: .bucket("b"), bucketOwner: Self.alicesBucket))
        }
    }

    @Test("Signed users may list their buckets and create buckets; anonymous may not")
    func serviceActions() {
        #expect(decide(.user(Self.bob), .listAllMyBuckets, .service, owner: nil) == .allow)
        #expect(decide(.user(Self.bob), .createBucket, .bucket("new"), owner: nil) == .allow)
        #expect(decide(.anonymous, .listAllMyBuckets, .service, owner: nil) == .deny)
        #expect(decide(.anonymous, .createBucket, .bucket("new"), owner: nil) == .deny)
        // Without a bucket owner nothing but those two is allowed.
        #expect(decide(.user(Self.bob), .getObject, .object(bucket: "b", key: "k"), owner: nil) == .deny)
    }

    @Test("Endpoints name IAM's actions and resources")
    func endpointActions() throws {
        #expect(S3Endpoint.getObject(Self.address("b", "k"), partNumber: nil).action == .getObject)
        #expect(S3Endpoint.headObject(Self.address("b", "k"), partNumber: nil).action == .getObject)
        #expect(S3Endpoint.uploadPart(Self.address("b", "k"), partNumber: try PartNumber(parsing: "1"), uploadID: UploadID("u")).action == .putObject)
        #expect(S3Endpoint.listParts(Self.address("b", "k"), uploadID: UploadID("u"), ListPartsRequest()).action == .listMultipartUploadParts)
        #expect(S3Endpoint.abortMultipartUpload(Self.address("b", "k"), uploadID: UploadID("u")).action == .abortMultipartUpload)
        #expect(S3Endpoint.listObjectsV2(BucketName(unchecked: "b"), ListObjectsRequest()).action == .listBucket)
        #expect(S3Endpoint.headBucket(BucketName(unchecked: "b")).action == .listBucket)
        #expect(S3Endpoint.notImplemented("tagging").action == nil)
        #expect(S3Endpoint.getObject(Self.address("b", "a/b c"), partNumber: nil).resource.arn == "arn:aws:s3:::b/a/b c")
        #expect(S3Endpoint.listObjectsV1(BucketName(unchecked: "b"), ListObjectsRequest()).resource == .bucket("b"))
        #expect(S3Endpoint.listBuckets(ListBucketsRequest()).resource == .service)
        #expect(!S3Endpoint.createBucket(BucketName(unchecked: "b")).needsBucket)
        #expect(S3Endpoint.copyObject(Self.address("b", "k")).readsCopySource)
    }

    @Test("?tagging parses to the tagging operations, whose actions name a version when one is named")
    func taggingEndpoints() throws {
        func parse(_ method: String, _ path: String, _ query: [(String, String)]) throws -> S3Endpoint {
            try S3Endpoint.parse(method: method, rawPath: path, query: query, host: nil, hasCopySource: false, addressing: AddressingConfig())
        }
        let a = Self.address("b", "k")
        var v = a
        v.versionID = .null
        #expect(try parse("PUT", "/b/k", [("tagging", "")]) == .putObjectTagging(a))
        #expect(try parse("GET", "/b/k", [("tagging", ""), ("versionId", "null")]) == .getObjectTagging(v))
        #expect(try parse("DELETE", "/b/k", [("tagging", "")]) == .deleteObjectTagging(a))
        #expect(try parse("PUT", "/b", [("tagging", "")]) == .putBucketTagging(BucketName(unchecked: "b")))
        #expect(try parse("GET", "/b", [("tagging", "")]) == .getBucketTagging(BucketName(unchecked: "b")))
        #expect(try parse("DELETE", "/b", [("tagging", "")]) == .deleteBucketTagging(BucketName(unchecked: "b")))
        #expect(S3Endpoint.putObjectTagging(a).action == .putObjectTagging)
        #expect(S3Endpoint.putObjectTagging(v).action == .putObjectVersionTagging)
        #expect(S3Endpoint.getObjectTagging(a).action == .getObjectTagging)
        #expect(S3Endpoint.getObjectTagging(v).action == .getObjectVersionTagging)
        #expect(S3Endpoint.deleteObjectTagging(a).action == .deleteObjectTagging)
        #expect(S3Endpoint.deleteObjectTagging(v).action == .deleteObjectVersionTagging)
        #expect(S3Endpoint.deleteBucketTagging(BucketName(unchecked: "b")).action == .putBucketTagging)
        #expect(S3Endpoint.getBucketTagging(BucketName(unchecked: "b")).action == .getBucketTagging)
        #expect(S3Endpoint.getObjectTagging(a).resource.arn == "arn:aws:s3:::b/k")
    }

    @Test("x-amz-copy-source: bucket, key (decoded, exact) and versionId")
    func copySource() throws {
        let id = String(repeating: "0f", count: 16)
        let c = try CopySource(header: "/src/a%20b/%E6%97%A5?versionId=\(id)")
        #expect(c == CopySource(ObjectAddress(bucket: BucketName(unchecked: "src"), key: ObjectKey(unchecked: "a b/日"), versionID: .id(id))))
        #expect(try CopySource(header: "src/k?versionId=null").versionID == .null)
        #expect(throws: S3Error.self) { try CopySource(header: "src/k?versionId=v1") }
        #expect(try CopySource(header: "src/ key ").address.key.rawValue == " key ")
        #expect(throws: S3Error.self) { try CopySource(header: "no-key") }
        #expect(throws: S3Error.self) { try CopySource(header: "bucket/") }
    }
}
