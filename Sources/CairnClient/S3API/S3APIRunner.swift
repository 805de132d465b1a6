import CairnHashing
import CairnModel
import Crypto
import Foundation

/// Runs one `cairn s3api` command line end to end and returns the aws CLI's exit code:
/// 0, 252 (usage), 254 (service error), 255 (anything else).
public enum S3APIRunner {
    public static func run(_ argv: [String], env: [String: String] = ProcessInfo.processInfo.environment) async -> Int32 {
        do {
            var cmd = try CommandLineParser.parse(argv)
            return try await execute(&cmd, env: env)
        } catch let h as HelpRequest {
            writeOut(h.text)
            return 0
        } catch let e as UsageError {
            let msg = e.description
            if msg.hasPrefix("Parameter validation failed") || msg.hasPrefix("Error parsing parameter") {
                writeErr("\n\(msg)\n")
            } else {
                writeErr(usage + "cairn: error: \(msg)\n")
            }
            return 252
        } catch let e as S3ServiceError {
            writeErr("\n\(e.description)\n")
            return 254
        } catch {
            writeErr("\n\(error)\n")
            return 255
        }
    }

    static let usage = """
        usage: cairn s3api [options] <operation> [parameters]
        To see help text, you can run:

          cairn s3api <operation> --help

        """

    static func writeErr(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
    static func writeOut(_ s: String) { FileHandle.standardOutput.write(Data(s.utf8)) }

    static func members(_ cmd: ParsedCommand) -> [S3Model.Member] {
        cmd.operation.input.map { S3Model.shared.shape($0).members ?? [] } ?? []
    }

    static func execute(_ cmd: inout ParsedCommand, env: [String: String]) async throws -> Int32 {
        if let sk = cmd.skeleton, sk != "output" {
            guard let input = cmd.operation.input else { writeOut("{}\n"); return 0 }
            if sk == "yaml-input" {
                writeOut(Skeleton.yaml(shapeName: input))
            } else {
                writeOut(ModelCodec.skeleton(shapeName: input, forOutput: false).serialized(indent: 4) + "\n")
            }
            return 0
        }
        // --cli-input-json / -yaml first, then the command line wins.
        var params = try CommandLineParser.loadInput(json: cmd.cliInputJSON, yaml: cmd.cliInputYAML) ?? JSONObject()
        let fromInputFile = cmd.cliInputJSON != nil || cmd.cliInputYAML != nil
        var bodyFromInput: [UInt8]?
        if fromInputFile, let b = params["Body"] {
            params["Body"] = nil
            if case .string(let s) = b { bodyFromInput = Array(s.utf8) }
        }
        for e in cmd.params.entries { params[e.key] = e.value }
        let memberList = members(cmd)
        if fromInputFile {
            let known = Set(memberList.map(\.name))
            if let bad = params.keys.first(where: { !known.contains($0) }) {
                throw UsageError("Parameter validation failed:\nUnknown parameter in input: \"\(bad)\", must be one of: \(memberList.map(\.name).joined(separator: ", "))")
            }
        }
        if cmd.autoPrompt || (env["AWS_CLI_AUTO_PROMPT"] == "on" && cmd.skeleton == nil) {
            try Prompter.promptMissing(memberList, operation: cmd.operation, params: &params, bodyPath: &cmd.bodyPath,
                                       outfile: &cmd.outfile)
        }
        // Required arguments, named as argparse names them.
        var missing = memberList.filter { $0.isRequired && params[$0.name] == nil && !(CommandLineParser.isBodyFile(cmd.operation, $0) && cmd.bodyPath != nil) }
            .map { "--" + $0.cli }
        if CommandLineParser.hasOutfile(cmd.operation) && cmd.outfile == nil { missing.append("outfile") }
        if !missing.isEmpty {
            if fromInputFile, let first = memberList.first(where: { "--" + $0.cli == missing[0] }) {
                throw UsageError("Parameter validation failed:\nMissing required parameter in input: \"\(first.name)\"")
            }
            throw UsageError("the following arguments are required: " + missing.joined(separator: ", "))
        }
        if cmd.skeleton == "output" {
            guard let output = cmd.operation.output else { return 0 }
            let config = try ConfigResolver.resolve(cmd.globals, env: env)
            return try emit(.object(ModelCodec.skeleton(shapeName: output, forOutput: true).objectValue ?? JSONObject()), cmd: cmd, config: config)
        }
        let config = try ConfigResolver.resolve(cmd.globals, env: env)
        let client = S3Client(config: config)
        do {
            let (result, textPages) = try await call(cmd, params: params, bodyFromInput: bodyFromInput, client: client, env: env)
            await client.shutdown()
            if config.output == .text, let textPages {
                // The aws CLI's text format prints a paginated response page by page.
                for page in textPages { _ = try emit(.object(page), cmd: cmd, config: config) }
                return 0
            }
            return try emit(result, cmd: cmd, config: config)
        } catch var e as S3ServiceError {
            await client.shutdown()
            e.operation = cmd.operationName
            throw e
        } catch {
            await client.shutdown()
            throw error
        }
    }

    static func emit(_ result: JSONValue, cmd: ParsedCommand, config: ClientConfig) throws -> Int32 {
        var value = result
        if let q = cmd.globals.query {
            let expr: JMESPath
            do { expr = try JMESPath(q) } catch { throw UsageError("argument --query: \(error)") }
            value = try expr.search(value)
        }
        writeOut(OutputFormatter.format(value, as: config.output, title: cmd.operationName, terminalWidth: terminalWidth()))
        return 0
    }

    static func terminalWidth() -> Int {
        var w = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return Int(w.ws_col) }
        return 80
    }

    // MARK: the call

    /// The response as the aws CLI shows it, and for paginated calls the pages its text format prints.
    static func call(_ cmd: ParsedCommand, params input: JSONObject, bodyFromInput: [UInt8]?, client: S3Client,
                     env: [String: String]) async throws -> (JSONValue, [JSONObject]?) {
        var params = input
        var body = RequestBody.empty
        let op = cmd.operation
        // SSE-C keys: the aws CLI takes the raw key, base64-encodes it and adds its MD5.
        for (keyName, md5Name) in [("SSECustomerKey", "SSECustomerKeyMD5"), ("CopySourceSSECustomerKey", "CopySourceSSECustomerKeyMD5")] {
            if case .string(let k) = params[keyName] ?? .null {
                let raw = Array(k.utf8)
                params[keyName] = .string(Data(raw).base64EncodedString())
                if params[md5Name] == nil {
                    params[md5Name] = .string(Data(Insecure.MD5.hash(data: raw)).base64EncodedString())
                }
            }
        }
        // botocore's handle_copy_source_param (CopyObject, UploadPartCopy).
        if cmd.operationName == "CopyObject" || cmd.operationName == "UploadPartCopy" {
            if case .string(let src) = params["CopySource"] ?? .null {
                params["CopySource"] = .string(quoteCopySource(src))
            } else if case .object(let o) = params["CopySource"] ?? .null {
                var s = "\(o["Bucket"]?.stringValue ?? "")/\(o["Key"]?.stringValue ?? "")"
                if let v = o["VersionId"]?.stringValue { s += "?versionId=\(v)" }
                params["CopySource"] = .string(quoteCopySource(s))
            }
        }
        if S3Model.shared.streamingBlob(of: op.input) != nil {
            body = try prepareUploadBody(cmd, params: &params, bodyFromInput: bodyFromInput, env: env)
        }
        // botocore asks for the object's checksums (response_checksum_validation=when_supported).
        if let mode = op.checksum?.requestValidationModeMember, params[mode] == nil,
           env["AWS_RESPONSE_CHECKSUM_VALIDATION"]?.lowercased() != "when_required" {
            params[mode] = .string("ENABLED")
        }
        var autoEncoding = false
        if ListingDecoding.keys[cmd.operationName] != nil && params["EncodingType"] == nil {
            params["EncodingType"] = .string("url")
            autoEncoding = true
        }
        let whenSupported = env["AWS_REQUEST_CHECKSUM_CALCULATION"]?.lowercased() != "when_required"
        // botocore validates what the handlers above produced, before serialising.
        if let input = op.input { try ParamValidator.validate(params, inputShape: input) }

        if CommandLineParser.hasOutfile(op) {
            return (try await streamToFile(cmd, params: params, client: client, whenSupported: whenSupported), nil)
        }
        // The aws CLI paginates unless told not to or given a page marker / limit of its own.
        if let pag = op.paginator, !cmd.globals.noPaginate, params[pag.limit_key ?? "-"] == nil,
           !pag.input_token.contains(where: { params[$0] != nil }) {
            var pager = Paginator(op: op, paginator: pag, params: params, maxItems: cmd.maxItems,
                                  startingToken: cmd.startingToken, pageSize: cmd.pageSize)
            let full = try await pager.run { p in
                var page = try await single(op, params: p, body: .empty, client: client, whenSupported: whenSupported)
                if autoEncoding { ListingDecoding.decode(&page, operation: cmd.operationName) }
                return page
            }
            return (.object(full), pager.textPages)
        }
        var out = try await single(op, params: params, body: body, client: client, whenSupported: whenSupported)
        if autoEncoding { ListingDecoding.decode(&out, operation: cmd.operationName) }
        return (.object(out), nil)
    }

    static func single(_ op: S3Model.Operation, params: JSONObject, body: RequestBody, client: S3Client,
                       whenSupported: Bool) async throws -> JSONObject {
        var req = try ModelCodec.request(op, params: params, body: body)
        try ModelCodec.addChecksum(&req, op: op, params: params, whenSupported: whenSupported)
        // CompleteMultipartUpload, CopyObject and UploadPartCopy can fail after a 200 (the body is
        // an <Error>): the client treats that, and a body that is not XML, as a 500.
        req.errorIn200 = ModelCodec.parsesXMLOutput(op)
        let resp = try await client.send(req)
        return ModelCodec.parse(op, response: resp)
    }

    /// botocore's handle_copy_source_param: encode the key part, keep `?versionId=`.
    static func quoteCopySource(_ s: String) -> String {
        if let r = s.range(of: "?versionId=") {
            return URIEncodingBridge.encode(String(s[..<r.lowerBound])) + "?versionId=" + s[r.upperBound...]
        }
        return URIEncodingBridge.encode(s)
    }

    /// Body from a file path (or a literal from --cli-input-json), Content-Length, Content-MD5
    /// (computed unless given) and, as botocore does by default, a CRC32 checksum header (or the
    /// algorithm asked for with --checksum-algorithm) unless a checksum value was given.
    static func prepareUploadBody(_ cmd: ParsedCommand, params: inout JSONObject, bodyFromInput: [UInt8]?,
                                  env: [String: String]) throws -> RequestBody {
        var body = RequestBody.empty
        var digest: FileDigest?
        let checksumGiven = ChecksumAlgorithm.allCases.contains { params[$0.xmlName] != nil }
        var algorithm: ChecksumAlgorithm?
        // WriteGetObjectResponse has no httpChecksum trait: its checksum members describe the
        // object being answered with, so nothing is computed for it.
        let checksummed = cmd.operation.checksum?.requestAlgorithmMember != nil
        if !checksumGiven && checksummed {
            if let a = params["ChecksumAlgorithm"]?.stringValue {
                guard let alg = ChecksumAlgorithm(caseInsensitive: a) else {
                    throw ClientFailure("Unsupported checksum algorithm: \(a)")
                }
                algorithm = alg
            } else if env["AWS_REQUEST_CHECKSUM_CALCULATION"]?.lowercased() != "when_required" {
                algorithm = .crc32
            }
        }
        if let path = cmd.bodyPath {
            let expanded = ConfigResolver.expand(path, env: env)
            var st = stat()
            guard stat(expanded, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                throw ClientFailure("Error parsing parameter '--body': Blob values must be a path to a file.")
            }
            var length = Int64(st.st_size)
            if case .int(let n) = params["ContentLength"] ?? .null {
                guard n <= length else { throw ClientFailure("--content-length \(n) is larger than the file (\(length) bytes)") }
                length = n
            }
            digest = try FileDigest.compute(path: expanded, length: length, checksum: algorithm)
            body = .file(path: expanded, offset: 0, length: length, progress: nil)
            params["ContentLength"] = .int(length)
        } else {
            let bytes = bodyFromInput ?? []
            var hasher = BodyHasher(sha256: false, checksum: algorithm)
            bytes.withUnsafeBytes { hasher.update($0) }
            let d = hasher.finalize()
            digest = FileDigest(md5: d.md5, checksum: d.checksum)
            body = .bytes(bytes)
            params["ContentLength"] = nil
        }
        if checksummed, params["ContentMD5"] == nil, let digest { params["ContentMD5"] = .string(digest.md5Base64) }
        if let c = digest?.checksum {
            params[c.algorithm.xmlName] = .string(c.base64)
            // botocore names the algorithm too (x-amz-sdk-checksum-algorithm); some servers key on it.
            params["ChecksumAlgorithm"] = .string(c.algorithm.rawValue)
        }
        return body
    }

    // MARK: get-object, get-object-torrent

    /// Streams the response's blob payload into the `outfile` and prints the rest.
    static func streamToFile(_ cmd: ParsedCommand, params: JSONObject, client: S3Client, whenSupported: Bool) async throws -> JSONValue {
        var req = try ModelCodec.request(cmd.operation, params: params)
        try ModelCodec.addChecksum(&req, op: cmd.operation, params: params, whenSupported: whenSupported)
        let path = cmd.outfile!
        let events = S3Model.shared.payloadMember(of: cmd.operation.output)?.eventstream == true
        let result: S3Response = try await client.perform(req) { response in
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard fd >= 0 else { throw ClientFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            var decoder = EventStreamDecoder()
            for try await buf in response.body {
                guard events else {
                    try buf.withUnsafeReadableBytes { try writeAll(fd, $0, path: path) }
                    continue
                }
                // SelectObjectContent: only the Records events' payloads go to the file (awscli's
                // S3SelectStreamOutputArgument); an error event fails the command.
                decoder.feed(buf.readableBytesView)
                while let m = try decoder.next() {
                    switch m.headers[":message-type"] {
                    case "error":
                        throw S3ServiceError(code: m.headers[":error-code"] ?? "", message: m.headers[":error-message"] ?? "",
                                             status: Int(response.status.code))
                    case "exception":
                        let xml = XMLElement.parse(Data(m.payload))
                        throw S3ServiceError(code: m.headers[":exception-type"] ?? "", message: xml?.child("Message")?.text ?? "",
                                             status: Int(response.status.code))
                    default:
                        if m.headers[":event-type"] == "Records" { try m.payload.withUnsafeBytes { try writeAll(fd, $0, path: path) } }
                    }
                }
            }
            return S3Response(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: [])
        }
        var o = ModelCodec.parse(cmd.operation, response: result)
        if let p = S3Model.shared.payloadMember(of: cmd.operation.output) { o[p.name] = nil }
        return .object(o)
    }

    static func writeAll(_ fd: Int32, _ p: UnsafeRawBufferPointer, path: String) throws {
        var off = 0
        while off < p.count {
            let n = write(fd, p.baseAddress! + off, p.count - off)
            guard n > 0 else { throw ClientFailure("write error on \(path)") }
            off += n
        }
    }
}

import CairnSigV4

enum URIEncodingBridge {
    static func encode(_ s: String) -> String { URIEncoding.encode(s, keepSlash: true) }
    /// urllib's unquote (S3's url encoding-type uses %XX; `+` is left alone).
    static func decodeForm(_ s: String) -> String { URIEncoding.decode(s) }
}
