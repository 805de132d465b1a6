import CairnModel
import CairnPolicy
import CairnProtocol
import Foundation
import Testing

/// ACLs, Object Ownership and Block Public Access as the Authorizer evaluates them, with the
/// request headers and XML they come from: table-driven, no HTTP, no SQL.
@Suite("Access control: ACLs, ownership, public access block")
struct AccessControlTests {
    static let aliceUser = UserIdentity(accessKey: "AKA", secretKey: "s", id: "alice-id", displayName: "alice")
    static let bobUser = UserIdentity(accessKey: "AKB", secretKey: "s", id: "bob-id", displayName: "bob")
    static let alice = Owner(id: "alice-id", displayName: "alice")
    static let bob = Owner(id: "bob-id", displayName: "bob")
    static let object = S3Resource.object(bucket: "b", key: "k")

    enum Who: CustomStringConvertible {
        case alice, bob, anonymous
        var principal: Principal {
            switch self {
            case .alice: return .user(AccessControlTests.aliceUser)
            case .bob: return .user(AccessControlTests.bobUser)
            case .anonymous: return .anonymous
            }
        }
        var description: String { "\(principal.user?.displayName ?? "anonymous")" }
    }

    func decide(_ who: Who, _ action: S3Action, ownership: ObjectOwnership = .objectWriter, bucketGrants: [ACLGrant]? = nil,
                object: ObjectACLSubject? = nil, block: PublicAccessBlock = PublicAccessBlock(), policy: BucketPolicy? = nil) -> Authorizer.Decision {
        let resource: S3Resource = [.listBucket, .getBucketAcl, .putBucketAcl].contains(action) ? .bucket("b") : Self.object
        return Authorizer.decide(.init(principal: who.principal, action: action, resource: resource, bucketOwner: Self.alice, policy: policy,
                                       access: BucketAccessSettings(ownership: ownership, grants: bucketGrants, publicAccessBlock: block),
                                       object: object))
    }

    static let publicRead = [ACLGrant(.user(alice), .fullControl), ACLGrant(.group(.allUsers), .read)]
    static let members = [ACLGrant(.user(alice), .fullControl), ACLGrant(.group(.authenticatedUsers), .read)]
    static let bobRW = [ACLGrant(.user(alice), .fullControl), ACLGrant(.user(bob), .read), ACLGrant(.user(bob), .write)]

    @Test("object grants: READ lets others GET; READ_ACP / WRITE_ACP are separate", arguments: [
        (Who.anonymous, S3Action.getObject, publicRead, Authorizer.Decision.allow),
        (.bob, .getObject, publicRead, .allow),
        (.anonymous, .getObjectVersion, publicRead, .allow),
        (.anonymous, .getObjectAcl, publicRead, .deny),
        (.anonymous, .putObjectAcl, publicRead, .deny),
        (.anonymous, .getObject, members, .deny),
        (.bob, .getObject, members, .allow),
        (.bob, .getObjectAcl, [ACLGrant(.user(bob), .readACP)], .allow),
        (.bob, .putObjectAcl, [ACLGrant(.user(bob), .readACP)], .deny),
        (.bob, .putObjectAcl, [ACLGrant(.user(bob), .fullControl)], .allow),
        (.bob, .getObject, [ACLGrant(.group(.logDelivery), .read)], .deny),
    ])
    func objectGrants(who: Who, action: S3Action, grants: [ACLGrant], expected: Authorizer.Decision) {
        #expect(decide(who, action, object: ObjectACLSubject(owner: Self.alice, grants: grants)) == expected)
    }

    @Test("bucket grants: READ lists, WRITE puts and deletes, READ_ACP / WRITE_ACP the bucket ACL", arguments: [
        (Who.bob, S3Action.listBucket, bobRW, Authorizer.Decision.allow),
        (.bob, .putObject, bobRW, .allow),
        (.bob, .deleteObject, bobRW, .allow),
        (.bob, .getBucketAcl, bobRW, .deny),
        (.bob, .putBucketAcl, bobRW, .deny),
        (.anonymous, .putObject, bobRW, .deny),
        (.anonymous, .listBucket, publicRead, .allow),
        (.anonymous, .putObject, publicRead, .deny),
        (.bob, .getBucketAcl, [ACLGrant(.user(bob), .readACP)], .allow),
        (.bob, .putBucketAcl, [ACLGrant(.user(bob), .writeACP)], .allow),
        // Bucket READ is not object READ.
        (.bob, .getObject, bobRW, .deny),
    ])
    func bucketGrants(who: Who, action: S3Action, grants: [ACLGrant], expected: Authorizer.Decision) {
        #expect(decide(who, action, bucketGrants: grants) == expected)
    }

    @Test("BucketOwnerEnforced: grants count for nothing, the bucket owner owns everything")
    func enforced() {
        let bobsObject = ObjectACLSubject(owner: Self.bob, grants: Self.publicRead)
        #expect(decide(.anonymous, .getObject, ownership: .bucketOwnerEnforced, object: bobsObject) == .deny)
        #expect(decide(.bob, .listBucket, ownership: .bucketOwnerEnforced, bucketGrants: Self.bobRW) == .deny)
        #expect(decide(.alice, .getObject, ownership: .bucketOwnerEnforced, object: bobsObject) == .allow)
    }

    @Test("ACLs enabled: another user's object needs a grant even for the bucket owner; its owner keeps the ACP rights")
    func objectWriterOwnership() {
        let bobsPrivate = ObjectACLSubject(owner: Self.bob, grants: [ACLGrant(.user(Self.bob), .read)])
        #expect(decide(.alice, .getObject, object: bobsPrivate) == .deny)
        #expect(decide(.alice, .deleteObject, object: bobsPrivate) == .allow)
        #expect(decide(.bob, .getObject, object: bobsPrivate) == .allow)
        #expect(decide(.bob, .putObjectAcl, object: bobsPrivate) == .allow)
        #expect(decide(.bob, .getObjectAcl, object: bobsPrivate) == .allow)
        #expect(decide(.bob, .getObject, object: ObjectACLSubject(owner: Self.bob, grants: [])) == .deny)
        #expect(decide(.alice, .getObject, object: ObjectACLSubject(owner: Self.bob, grants: [ACLGrant(.user(Self.alice), .fullControl)])) == .allow)
        // The default ACL (nil) is the object owner's FULL_CONTROL.
        #expect(decide(.bob, .getObject, object: ObjectACLSubject(owner: Self.bob, grants: nil)) == .allow)
        #expect(decide(.alice, .getObject, object: ObjectACLSubject(owner: Self.alice, grants: nil)) == .allow)
    }

    @Test("IgnorePublicAcls skips AllUsers and AuthenticatedUsers grants, not grants to users")
    func ignorePublicAcls() {
        let ignore = PublicAccessBlock(ignorePublicAcls: true)
        let grants = Self.publicRead + [ACLGrant(.user(Self.bob), .read)]
        #expect(decide(.anonymous, .getObject, object: ObjectACLSubject(owner: Self.alice, grants: grants), block: ignore) == .deny)
        #expect(decide(.bob, .getObject, object: ObjectACLSubject(owner: Self.alice, grants: grants), block: ignore) == .allow)
        #expect(decide(.anonymous, .listBucket, bucketGrants: Self.publicRead, block: ignore) == .deny)
    }

    @Test("explicit Deny beats an ACL grant; RestrictPublicBuckets confines a public policy to the owner")
    func policyAndACLs() throws {
        let deny = try BucketPolicy(json: #"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
                                    bucket: BucketName(unchecked: "b"))
        #expect(decide(.anonymous, .getObject, object: ObjectACLSubject(owner: Self.alice, grants: Self.publicRead), policy: deny) == .deny)
        let open = try BucketPolicy(json: #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
                                    bucket: BucketName(unchecked: "b"))
        #expect(decide(.anonymous, .getObject, policy: open) == .allow)
        let restrict = PublicAccessBlock(restrictPublicBuckets: true)
        #expect(decide(.anonymous, .getObject, block: restrict, policy: open) == .deny)
        #expect(decide(.bob, .getObject, block: restrict, policy: open) == .deny)
        #expect(decide(.alice, .getObject, block: restrict, policy: open) == .allow)
        #expect(throws: S3Error.self) { try open.admit(under: PublicAccessBlock(blockPublicPolicy: true)) }
        #expect(throws: Never.self) { try open.admit(under: PublicAccessBlock(blockPublicAcls: true)) }
    }

    @Test("canned ACLs expand to S3's grants")
    func canned() {
        #expect(CannedACL.private.grants(owner: Self.bob, bucketOwner: Self.alice) == [ACLGrant(.user(Self.bob), .fullControl)])
        #expect(CannedACL.bucketOwnerFullControl.grants(owner: Self.bob, bucketOwner: Self.alice)
                == [ACLGrant(.user(Self.bob), .fullControl), ACLGrant(.user(Self.alice), .fullControl)])
        #expect(CannedACL.bucketOwnerRead.grants(owner: Self.alice, bucketOwner: Self.alice) == [ACLGrant(.user(Self.alice), .fullControl)])
        #expect(CannedACL.logDeliveryWrite.grants(owner: Self.alice, bucketOwner: nil).map(\.permission) == [.fullControl, .write, .readACP])
        #expect(ACLRequest.canned(.authenticatedRead).isPublic && !ACLRequest.canned(.bucketOwnerRead).isPublic)
    }

    @Test("object writes: who owns the object under each Object Ownership setting, and what each refuses")
    func objectWrites() throws {
        let enforced = BucketAccessSettings(ownership: .bucketOwnerEnforced)
        #expect(try enforced.objectWrite(writer: Self.bob, bucketOwner: Self.alice, acl: nil) == ObjectWriteOwnership(owner: Self.alice, grants: nil))
        #expect(try enforced.objectWrite(writer: Self.bob, bucketOwner: Self.alice, acl: .canned(.bucketOwnerFullControl)).owner == Self.alice)
        #expect(try enforced.objectWrite(writer: Self.bob, bucketOwner: Self.alice,
                                         acl: .grants([ACLGrant(ACLGrantee(userID: "alice-id"), .fullControl)])).grants == nil)
        for acl: ACLRequest in [.canned(.publicRead), .canned(.private), .grants([ACLGrant(.user(Self.bob), .read)])] {
            #expect(throws: S3Error.self) { try enforced.objectWrite(writer: Self.bob, bucketOwner: Self.alice, acl: acl) }
        }
        let preferred = BucketAccessSettings(ownership: .bucketOwnerPreferred)
        #expect(try preferred.objectWrite(writer: Self.bob, bucketOwner: Self.alice, acl: .canned(.bucketOwnerFullControl)).owner == Self.alice)
        #expect(try preferred.objectWrite(writer: Self.bob, bucketOwner: Self.alice, acl: nil).owner == Self.bob)
        let writer = BucketAccessSettings(ownership: .objectWriter, publicAccessBlock: PublicAccessBlock(blockPublicAcls: true))
        let w = try writer.objectWrite(writer: Self.bob, bucketOwner: Self.alice, acl: .canned(.bucketOwnerFullControl))
        #expect(w.owner == Self.bob && w.grants == [ACLGrant(.user(Self.bob), .fullControl), ACLGrant(.user(Self.alice), .fullControl)])
        do {
            _ = try writer.objectWrite(writer: Self.bob, bucketOwner: Self.alice, acl: .canned(.publicRead))
            Issue.record("BlockPublicAcls let a public ACL through")
        } catch { #expect(error.code == .accessDenied) }
        #expect(throws: S3Error.self) { try enforced.bucketACL(.canned(.private), owner: Self.alice) }
        #expect(throws: S3Error.self) { try BucketAccessSettings.newBucket(ownership: nil, acl: .canned(.publicRead), owner: Self.alice) }
        #expect(try BucketAccessSettings.newBucket(ownership: nil, acl: .canned(.private), owner: Self.alice) == (.bucketOwnerEnforced, nil))
    }

    @Test("x-amz-acl and x-amz-grant-* headers parse as S3 reads them")
    func headers() throws {
        let h = RequestHeaders(headers: [("x-amz-grant-read", #"id="bob-id", uri="http://acs.amazonaws.com/groups/global/AllUsers""#),
                                         ("x-amz-grant-write-acp", "id=alice-id")])
        #expect(try h.aclRequest() == .grants([ACLGrant(ACLGrantee(userID: "bob-id"), .read), ACLGrant(.group(.allUsers), .read),
                                               ACLGrant(ACLGrantee(userID: "alice-id"), .writeACP)]))
        #expect(try RequestHeaders(headers: [("x-amz-acl", "public-read")]).aclRequest() == .canned(.publicRead))
        #expect(try RequestHeaders(headers: []).aclRequest() == nil)
        let failures: [([(String, String)], S3ErrorCode)] = [
            ([("x-amz-acl", "public")], .invalidArgument),
            ([("x-amz-acl", "private"), ("x-amz-grant-read", "id=x")], .invalidRequest),
            ([("x-amz-grant-read", "bob")], .invalidArgument),
            ([("x-amz-grant-read", "uri=http://example.com/")], .invalidArgument),
            ([("x-amz-grant-read", #"emailAddress="a@b.c""#)], .unresolvableGrantByEmailAddress),
        ]
        for (fields, code) in failures {
            do {
                _ = try RequestHeaders(headers: fields.map { (name: $0.0, value: $0.1) }).aclRequest()
                Issue.record("\(fields) parsed")
            } catch { #expect(error.code == code) }
        }
    }

    @Test("AccessControlPolicy XML: parsed with xsi:type grantees, written as S3 writes it")
    func xml() throws {
        let body = """
            <AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>alice-id</ID></Owner><AccessControlList>\
            <Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>bob-id</ID></Grantee>\
            <Permission>WRITE_ACP</Permission></Grant><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
            xsi:type="Group"><URI>http://acs.amazonaws.com/groups/global/AuthenticatedUsers</URI></Grantee><Permission>READ</Permission>\
            </Grant></AccessControlList></AccessControlPolicy>
            """
        let (owner, acl) = try AccessControlPolicyXML.parse(Data(body.utf8))
        #expect(owner == "alice-id")
        #expect(acl == .grants([ACLGrant(ACLGrantee(userID: "bob-id"), .writeACP), ACLGrant(.group(.authenticatedUsers), .read)]))
        let out = AccessControlPolicyXML.write(owner: Self.alice, grants: [ACLGrant(.user(Self.bob), .read), ACLGrant(.group(.allUsers), .read)]).text
        #expect(out.contains(#"<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>bob-id</ID><DisplayName>bob</DisplayName></Grantee><Permission>READ</Permission></Grant>"#))
        #expect(out.contains("<URI>http://acs.amazonaws.com/groups/global/AllUsers</URI>"))
        #expect(out.contains("<Owner><ID>alice-id</ID><DisplayName>alice</DisplayName></Owner>"))
    }
}
