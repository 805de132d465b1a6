import CairnClient
import Foundation
import Testing

@Suite("Credentials and config resolution (aws CLI rules)")
struct ClientConfigTests {
    func tempFiles(credentials: String, config: String) throws -> [String: String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try credentials.write(to: dir.appendingPathComponent("credentials"), atomically: true, encoding: .utf8)
        try config.write(to: dir.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        return ["AWS_SHARED_CREDENTIALS_FILE": dir.appendingPathComponent("credentials").path,
                "AWS_CONFIG_FILE": dir.appendingPathComponent("config").path, "HOME": dir.path]
    }

    let credentials = """
        [default]
        aws_access_key_id = AKDEFAULT
        aws_secret_access_key = secretdefault

        # a comment
        [dev]
        aws_access_key_id=AKDEV
        aws_secret_access_key=secretdev
        aws_session_token = tokendev
        """
    let config = """
        [default]
        region = eu-west-1
        output = text

        [profile dev]
        region = us-west-2
        s3 =
            endpoint_url = http://127.0.0.1:9999
            addressing_style = path

        [profile cfgonly]
        aws_access_key_id = AKCFG
        aws_secret_access_key = secretcfg
        endpoint_url = http://localhost:1234
        """

    @Test("INI parsing: sections, comments, nested s3 block")
    func ini() {
        let f = INIFile(text: config)
        #expect(f.configProfile("default")?["region"] == "eu-west-1")
        #expect(f.configProfile("dev")?["s3.endpoint_url"] == "http://127.0.0.1:9999")
        #expect(f.configProfile("dev")?["s3.addressing_style"] == "path")
        #expect(f.configProfile("cfgonly")?["endpoint_url"] == "http://localhost:1234")
        #expect(INIFile(text: credentials).sections["dev"]?["aws_session_token"] == "tokendev")
    }

    @Test("default profile from the files; env credentials win over files")
    func defaults() throws {
        var env = try tempFiles(credentials: credentials, config: config)
        var c = try ConfigResolver.resolve(GlobalOptions(), env: env)
        #expect(c.accessKey == "AKDEFAULT" && c.region == "eu-west-1" && c.output == .text)
        #expect(c.endpoint.absoluteString == "https://s3.eu-west-1.amazonaws.com")
        env["AWS_ACCESS_KEY_ID"] = "AKENV"
        env["AWS_SECRET_ACCESS_KEY"] = "secretenv"
        env["AWS_SESSION_TOKEN"] = "tokenenv"
        env["AWS_DEFAULT_REGION"] = "ap-south-1"
        c = try ConfigResolver.resolve(GlobalOptions(), env: env)
        #expect(c.accessKey == "AKENV" && c.sessionToken == "tokenenv" && c.region == "ap-south-1")
        env["AWS_REGION"] = "ca-central-1"
        #expect(try ConfigResolver.resolve(GlobalOptions(), env: env).region == "ca-central-1")
    }

    @Test("--profile ignores env credentials; profile region and s3 endpoint_url")
    func profile() throws {
        var env = try tempFiles(credentials: credentials, config: config)
        env["AWS_ACCESS_KEY_ID"] = "AKENV"
        env["AWS_SECRET_ACCESS_KEY"] = "secretenv"
        var g = GlobalOptions()
        g.profile = "dev"
        let c = try ConfigResolver.resolve(g, env: env)
        #expect(c.accessKey == "AKDEV" && c.sessionToken == "tokendev" && c.region == "us-west-2")
        #expect(c.endpoint.absoluteString == "http://127.0.0.1:9999")
        g.region = "eu-north-1"
        g.endpointURL = "http://example.test:80"
        let d = try ConfigResolver.resolve(g, env: env)
        #expect(d.region == "eu-north-1" && d.endpoint.absoluteString == "http://example.test:80")
    }

    @Test("AWS_PROFILE, credentials in the config file, unknown profiles, no credentials")
    func others() throws {
        var env = try tempFiles(credentials: credentials, config: config)
        env["AWS_PROFILE"] = "cfgonly"
        let c = try ConfigResolver.resolve(GlobalOptions(), env: env)
        #expect(c.accessKey == "AKCFG" && c.endpoint.absoluteString == "http://localhost:1234")
        env["AWS_PROFILE"] = "nope"
        #expect(throws: ConfigError.self) { try ConfigResolver.resolve(GlobalOptions(), env: env) }
        let empty = try tempFiles(credentials: "", config: "")
        #expect(throws: ConfigError.self) { try ConfigResolver.resolve(GlobalOptions(), env: empty) }
    }
}

@Suite("Skeletons and command lines")
struct ClientSkeletonTests {
    @Test("upload-part input skeleton matches the aws CLI's (botocore 1.43 model)")
    func inputSkeleton() {
        let s = ModelCodec.skeleton(shapeName: "UploadPartRequest", forOutput: false)
        let text = s.serialized(indent: 4)
        #expect(text.hasPrefix("{\n    \"Body\": null,\n    \"Bucket\": \"\",\n    \"ContentLength\": 0,\n    \"ContentMD5\": \"\","))
        #expect(text.hasSuffix("\"RequestPayer\": \"requester\",\n    \"ExpectedBucketOwner\": \"\"\n}"))
        #expect(s.objectValue?.keys.contains("PartNumber") == true)
        #expect(s["PartNumber"] == .int(0))
    }

    @Test("upload-part output skeleton uses member names as values")
    func outputSkeleton() {
        let s = ModelCodec.skeleton(shapeName: "UploadPartOutput", forOutput: true)
        #expect(s["ETag"] == .string("ETag"))
        #expect(s["BucketKeyEnabled"] == .bool(true))
        #expect(s.objectValue?.keys.first == "ServerSideEncryption")
    }

    @Test("yaml-input skeleton marks required members")
    func yaml() {
        let y = Skeleton.yaml(shapeName: "UploadPartRequest")
        #expect(y.contains("Bucket: '' # [REQUIRED] The name of the bucket to which the multipart upload was initiated."))
        #expect(y.contains("PartNumber: 0 # [REQUIRED]"))
        #expect(y.contains("RequestPayer: requester # "))
    }

    @Test("command line: globals anywhere, --x=y, required arguments named")
    func commandLine() throws {
        let c = try CommandLineParser.parse(["upload-part", "--bucket", "b", "--endpoint-url", "http://h:1", "--key=k/1",
                                             "--part-number", "3", "--upload-id", "u", "--body", "f", "--output", "text"])
        #expect(c.operationName == "UploadPart")
        #expect(c.params["Bucket"] == .string("b") && c.params["Key"] == .string("k/1") && c.params["PartNumber"] == .int(3))
        #expect(c.bodyPath == "f" && c.globals.endpointURL == "http://h:1" && c.globals.output == "text")
        #expect(throws: UsageError.self) { try CommandLineParser.parse(["upload-part", "--part-number", "x"]) }
        #expect(throws: UsageError.self) { try CommandLineParser.parse(["upload-part", "--bogus", "1"]) }
        let g = try CommandLineParser.parse(["get-object", "--bucket", "b", "--key", "k", "out.bin"])
        #expect(g.outfile == "out.bin")
    }
}
