import CairnModel
import CairnPolicy
import Testing

/// Bucket policies as S3 parses and evaluates them: table-driven, no HTTP.
@Suite("Bucket policy")
struct BucketPolicyTests {
    static let bucket = BucketName(unchecked: "photos")
    static let alice = Principal.user(UserIdentity(accessKey: "AKA", secretKey: "s", id: String(repeating: "a", count: 64), displayName: "alice"))
    static let bob = Principal.user(UserIdentity(accessKey: "AKB", secretKey: "s", id: "bob-id", displayName: "bob"))

    func policy(_ statements: String) throws -> BucketPolicy {
        try BucketPolicy(json: #"{"Version":"2012-10-17","Statement":["# + statements + "]}", bucket: Self.bucket)
    }

    func verdict(_ p: BucketPolicy, _ who: Principal, _ action: S3Action, _ key: String? = nil,
                 _ context: [String: [String]] = [:]) -> BucketPolicy.Verdict {
        let resource: S3Resource = key.map { .object(bucket: "photos", key: $0) } ?? .bucket("photos")
        return p.evaluate(principal: who, action: action, resource: resource, context: context)
    }

    @Test("malformed policies are refused with S3's messages")
    func malformed() {
        let cases: [(String, String)] = [
            ("not json", "Policies must be valid JSON and the first byte must be '{'"),
            (#"{"Version":"2012-10-17"}"#, "Missing required field Statement"),
            (#"{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/*"}]}"#, "Invalid effect: Maybe"),
            (#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:Fly","Resource":"arn:aws:s3:::photos/*"}]}"#, "Policy has invalid action"),
            (#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}]}"#, "Policy has invalid resource"),
            (#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/*"}]}"#, "Invalid principal in policy"),
            (#"{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/*"}]}"#, "Missing required field Principal"),
            (#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::photos/*","Condition":{"StringSortOf":{"s3:prefix":"a"}}}]}"#, "Invalid Condition type : StringSortOf"),
        ]
        for (json, message) in cases {
            #expect(throws: S3Error.self, "\(json)") { try BucketPolicy(json: json, bucket: Self.bucket) }
            do { _ = try BucketPolicy(json: json, bucket: Self.bucket) } catch {
                #expect(error.code == .malformedPolicy && error.message == message, "\(json)")
            }
        }
    }

    @Test("public read: anyone may GET objects, nothing else")
    func publicRead() throws {
        let p = try policy(#"{"Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::photos/*"]}"#)
        #expect(verdict(p, .anonymous, .getObject, "a.jpg") == .allow)
        #expect(verdict(p, .anonymous, .putObject, "a.jpg") == .notApplicable)
        #expect(verdict(p, .anonymous, .listBucket) == .notApplicable)
    }

    @Test("explicit Deny wins; NotAction, NotResource, NotPrincipal; wildcards")
    func denyWins() throws {
        let p = try policy("""
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"s3:*","Resource":["arn:aws:s3:::photos","arn:aws:s3:::photos/*"]},
            {"Effect":"Deny","Principal":"*","NotAction":"s3:Get*","Resource":"arn:aws:s3:::photos/private/*"},
            {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"s3:DeleteObject","NotResource":"arn:aws:s3:::photos/tmp/*"}
            """)
        #expect(verdict(p, Self.bob, .putObject, "x") == .allow)
        #expect(verdict(p, Self.bob, .getObject, "private/x") == .allow)
        #expect(verdict(p, Self.bob, .putObject, "private/x") == .deny)
        #expect(verdict(p, Self.alice, .deleteObject, "x") == .deny)
        #expect(verdict(p, Self.alice, .deleteObject, "tmp/x") == .notApplicable)
        #expect(verdict(p, Self.bob, .deleteObject, "x") == .allow)
        #expect(verdict(p, Self.alice, .getObject, "x") == .notApplicable)
    }

    @Test("principals by canonical id")
    func canonical() throws {
        let p = try policy(#"{"Effect":"Allow","Principal":{"AWS":"\#(String(repeating: "a", count: 64))","CanonicalUser":"bob-id"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::photos"}"#)
        #expect(verdict(p, Self.alice, .listBucket) == .allow)
        #expect(verdict(p, Self.bob, .listBucket) == .allow)
        #expect(verdict(p, .anonymous, .listBucket) == .notApplicable)
    }

    @Test("conditions: strings, wildcards, IP ranges, Bool, numbers, dates, IfExists, Null, set qualifiers")
    func conditions() throws {
        func allowed(_ condition: String, _ context: [String: [String]]) throws -> Bool {
            let p = try policy(#"{"Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::photos","Condition":"# + condition + "}")
            return verdict(p, .anonymous, .listBucket, nil, context) == .allow
        }
        let table: [(String, [String: [String]], Bool)] = [
            (#"{"StringEquals":{"s3:prefix":["home/","public/"]}}"#, ["s3:prefix": ["public/"]], true),
            (#"{"StringEquals":{"s3:prefix":"home/"}}"#, ["s3:prefix": ["Home/"]], false),
            (#"{"StringEquals":{"s3:prefix":"home/"}}"#, [:], false),
            (#"{"StringNotEquals":{"s3:prefix":"home/"}}"#, ["s3:prefix": ["x"]], true),
            (#"{"StringLike":{"s3:prefix":"home/*"}}"#, ["s3:prefix": ["home/alice/"]], true),
            (#"{"StringNotLike":{"s3:prefix":"home/*"}}"#, ["s3:prefix": ["home/alice/"]], false),
            (#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, ["aws:sourceip": ["203.0.113.9"]], true),
            (#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#, ["aws:sourceip": ["203.0.114.9"]], false),
            (#"{"IpAddress":{"aws:SourceIp":["2001:db8::/32"]}}"#, ["aws:sourceip": ["2001:db8:1::5"]], true),
            (#"{"NotIpAddress":{"aws:SourceIp":"127.0.0.0/8"}}"#, ["aws:sourceip": ["::ffff:127.0.0.1"]], false),
            (#"{"Bool":{"aws:SecureTransport":"false"}}"#, ["aws:securetransport": ["false"]], true),
            (#"{"Bool":{"aws:SecureTransport":false}}"#, ["aws:securetransport": ["true"]], false),
            (#"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": ["10"]], true),
            (#"{"NumericLessThanEquals":{"s3:max-keys":"10"}}"#, ["s3:max-keys": ["11"]], false),
            (#"{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"#, ["aws:currenttime": ["2026-12-04T12:00:00Z"]], true),
            (#"{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01"}}"#, ["aws:currenttime": ["2026-12-04T12:00:00Z"]], false),
            (#"{"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}}"#, [:], true),
            (#"{"StringEqualsIfExists":{"s3:x-amz-server-side-encryption":"AES256"}}"#, ["s3:x-amz-server-side-encryption": ["aws:kms"]], false),
            (#"{"Null":{"s3:x-amz-server-side-encryption":"true"}}"#, [:], true),
            (#"{"Null":{"s3:x-amz-server-side-encryption":"true"}}"#, ["s3:x-amz-server-side-encryption": ["AES256"]], false),
            (#"{"ForAnyValue:StringEquals":{"aws:username":["alice","carol"]}}"#, ["aws:username": ["alice"]], true),
            (#"{"ForAllValues:StringEquals":{"s3:prefix":["a","b"]}}"#, ["s3:prefix": ["a", "c"]], false),
            (#"{"StringEquals":{"s3:prefix":"a"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, ["s3:prefix": ["a"], "aws:sourceip": ["10.1.2.3"]], true),
            (#"{"StringEquals":{"s3:prefix":"a"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#, ["s3:prefix": ["a"], "aws:sourceip": ["11.1.2.3"]], false),
        ]
        for (condition, context, expected) in table {
            #expect(try allowed(condition, context) == expected, "\(condition) with \(context)")
        }
    }

    @Test("the owner keeps the policy actions; an explicit Deny binds the owner otherwise")
    func ownerAndAuthorizer() throws {
        let p = try policy(#"{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::photos","arn:aws:s3:::photos/*"]}"#)
        let owner = Owner(id: String(repeating: "a", count: 64), displayName: "alice")
        func decide(_ who: Principal, _ action: S3Action) -> Authorizer.Decision {
            Authorizer.decide(.init(principal: who, action: action, resource: .bucket("photos"), bucketOwner: owner, policy: p))
        }
        #expect(decide(Self.alice, .listBucket) == .deny)
        #expect(decide(Self.alice, .deleteBucketPolicy) == .allow)
        #expect(decide(Self.bob, .deleteBucketPolicy) == .deny)
        #expect(Authorizer.decide(.init(principal: Self.alice, action: .listBucket, resource: .bucket("photos"), bucketOwner: owner)) == .allow)
        #expect(Authorizer.decide(.init(principal: .anonymous, action: .listBucket, resource: .bucket("photos"), bucketOwner: owner)) == .deny)
    }

    @Test("wildcards and CIDR")
    func wildcardsAndCIDR() throws {
        let p = try policy(#"{"Effect":"Allow","Principal":"*","Action":"s3:Get?bject","Resource":"arn:aws:s3:::photos/a*b?c"}"#)
        #expect(verdict(p, .anonymous, .getObject, "a--b-c") == .allow)
        #expect(verdict(p, .anonymous, .getObject, "abc") == .notApplicable)
        #expect(verdict(p, .anonymous, .getObject, "ab-c") == .allow)
    }
}
