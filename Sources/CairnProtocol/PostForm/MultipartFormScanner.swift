import CairnModel
import Foundation

/// A streaming parser of a `multipart/form-data` body (RFC 7578), as POST Object sends it: the
/// form fields, then the `file` part, whose bytes are handed on as they arrive (never held whole:
/// at most one input chunk plus a delimiter's length is buffered). Parts after the file are not
/// parsed: S3 ignores them.
///
/// Feed it input with `feed`, take events with `next` (nil: it needs more input), and call
/// `finish` at the end of the body.
public struct MultipartFormScanner: Sendable {
    public enum Event: Equatable, Sendable {
        /// A form field before the file; the name as sent, the value as UTF-8.
        case field(name: String, value: String)
        /// The file part begins (`filename` is the Content-Disposition's, "" when absent).
        case fileStart(filename: String)
        case fileData([UInt8])
        /// The file part ended at its delimiter: the upload is complete.
        case fileEnd
    }

    enum State: Sendable, Equatable {
        /// Before the first delimiter (a preamble is skipped).
        case preamble
        /// Right after a delimiter: `--` ends the form, CRLF starts a part.
        case afterDelimiter
        case headers
        case fieldValue(name: String)
        case fileData
        /// The file ended; the rest of the body is not parsed.
        case done
    }

    /// `CRLF--boundary`: every delimiter, the first included (the input is taken to start with a
    /// CRLF, so a body that starts with `--boundary` needs no special case).
    let delimiter: [UInt8]
    var buffer: [UInt8] = [13, 10]
    var start = 0
    /// Where the pending search (for the header block's end or a delimiter) resumes: everything
    /// before it was searched already. Without it a body arriving a byte at a time was searched
    /// again from the field's start at every byte, quadratic in the 20 KB of fields (found by
    /// libFuzzer, `post-form` target, as a 12 s input).
    var searchFrom = 0
    /// Bytes `find` has looked at, for the test that the search stays linear.
    var searched = 0
    var state = State.preamble
    var finished = false
    var pendingFileEnd = false
    /// Bytes of the form before the file (headers and values), limited as S3 limits them.
    var preData = 0
    let preDataLimit: Int

    /// S3 answers MaxPostPreDataLengthExceededError when the fields before the file exceed 20 KB.
    public static let defaultPreDataLimit = 20 * 1024

    public init(boundary: String, preDataLimit: Int = MultipartFormScanner.defaultPreDataLimit) {
        delimiter = Array("\r\n--\(boundary)".utf8)
        self.preDataLimit = preDataLimit
    }

    /// Whether the file has been read to its end (what follows is ignored).
    public var isDone: Bool { state == .done && !pendingFileEnd }

    public mutating func feed<C: Collection<UInt8>>(_ bytes: C) {
        guard state != .done else { return }
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            searchFrom = max(0, searchFrom - start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The body has ended: what is left must complete the form, or `next` throws.
    public mutating func finish() { finished = true }

    /// The next event, or nil when more input is needed (never nil after `finish`: then the form
    /// either completes or is IncompleteBody / MalformedPOSTRequest / IncorrectNumberOfFiles...).
    public mutating func next() throws(S3Error) -> Event? {
        if pendingFileEnd {
            pendingFileEnd = false
            return .fileEnd
        }
        while true {
            switch state {
            case .done:
                return nil
            case .preamble:
                guard let at = find(delimiter, from: start) else {
                    // Keep only what could begin a delimiter.
                    start = max(start, buffer.count - delimiter.count + 1)
                    return try needMore()
                }
                start = at + delimiter.count
                state = .afterDelimiter
            case .afterDelimiter:
                // Transport padding (spaces, tabs) may follow a delimiter.
                while start < buffer.count, buffer[start] == 32 || buffer[start] == 9 { start += 1 }
                guard buffer.count - start >= 2 else { return try needMore() }
                if buffer[start] == 45, buffer[start + 1] == 45 {  // "--": the form ended without a file
                    throw S3Error(.incorrectNumberOfFilesInPostRequest)
                }
                guard buffer[start] == 13, buffer[start + 1] == 10 else { throw S3Error(.malformedPOSTRequest) }
                start += 2
                state = .headers
            case .headers:
                let end: Int
                let headerText: ArraySlice<UInt8>
                if buffer.count - start >= 2, buffer[start] == 13, buffer[start + 1] == 10 {
                    end = start + 2  // a part with no headers at all
                    headerText = []
                } else if let at = resumableFind([13, 10, 13, 10]) {
                    end = at + 4
                    headerText = buffer[start..<at]
                } else {
                    try countPreData(buffer.count - start)
                    return try needMore()
                }
                try countPreData(end - start, commit: true)
                let part = try FormPartHeaders(String(decoding: headerText, as: UTF8.self))
                start = end
                if part.name.lowercased() == "file" {
                    state = .fileData
                    return .fileStart(filename: part.filename ?? "")
                }
                state = .fieldValue(name: part.name)
            case .fieldValue(let name):
                guard let at = resumableFind(delimiter) else {
                    try countPreData(buffer.count - start)
                    return try needMore()
                }
                try countPreData(at - start, commit: true)
                let value = String(decoding: buffer[start..<at], as: UTF8.self)
                start = at + delimiter.count
                state = .afterDelimiter
                return .field(name: name, value: value)
            case .fileData:
                if let at = find(delimiter, from: start) {
                    let data = Array(buffer[start..<at])
                    state = .done
                    buffer = []
                    start = 0
                    if data.isEmpty { return .fileEnd }
                    pendingFileEnd = true
                    return .fileData(data)
                }
                // Everything but a possible start of the delimiter is file data.
                let safe = buffer.count - (delimiter.count - 1)
                if safe > start {
                    let data = Array(buffer[start..<safe])
                    start = safe
                    return .fileData(data)
                }
                guard !finished else { throw S3Error(.incompleteBody) }
                return nil
            }
        }
    }

    /// nil (more input needed), or the error for a body that ended here.
    private func needMore() throws(S3Error) -> Event? {
        guard finished else { return nil }
        throw S3Error(.malformedPOSTRequest)
    }

    /// Checks `n` more bytes of fields against the limit; `commit` counts them (a complete header
    /// block or value), otherwise they are only buffered so far.
    private mutating func countPreData(_ n: Int, commit: Bool = false) throws(S3Error) {
        guard preData + n <= preDataLimit else { throw S3Error(.maxPostPreDataLengthExceeded) }
        if commit { preData += n }
    }

    /// `find` from where the last unsuccessful search of the same state stopped; the next search
    /// starts afresh once this one succeeds.
    private mutating func resumableFind(_ pattern: [UInt8]) -> Int? {
        let at = find(pattern, from: max(start, searchFrom))
        searchFrom = at == nil ? max(start, buffer.count - pattern.count + 1) : 0
        return at
    }

    /// Where `pattern` first occurs in `buffer[from...]`: memchr for its first byte, then a compare.
    private mutating func find(_ pattern: [UInt8], from: Int) -> Int? {
        searched += max(0, buffer.count - from)
        guard buffer.count - from >= pattern.count else { return nil }
        return buffer.withUnsafeBufferPointer { buf -> Int? in
            pattern.withUnsafeBufferPointer { pat -> Int? in
                let base = buf.baseAddress!
                var i = from
                let last = buf.count - pat.count
                while i <= last {
                    guard let hit = memchr(base + i, Int32(pat[0]), last - i + 1) else { return nil }
                    let at = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + at, pat.baseAddress!, pat.count) == 0 { return at }
                    i = at + 1
                }
                return nil
            }
        }
    }
}

/// A part's headers: the field name and file name of its `Content-Disposition: form-data`.
struct FormPartHeaders {
    var name: String
    var filename: String?

    init(_ text: String) throws(S3Error) {
        var name: String?
        for line in text.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":"),
                  line[..<colon].trimmingHTTPWhitespace.lowercased() == "content-disposition" else { continue }
            let params = Self.parameters(String(line[line.index(after: colon)...]))
            name = params["name"]
            filename = params["filename"]
        }
        guard let name else { throw S3Error(.malformedPOSTRequest) }
        self.name = name
    }

    /// `form-data; name="a"; filename="b"`: the parameters, quoted strings unescaped.
    static func parameters(_ value: String) -> [String: String] {
        var out: [String: String] = [:]
        var chars = Array(value)[...]
        func skipSpace() { while let c = chars.first, c == " " || c == "\t" { chars.removeFirst() } }
        // The disposition type itself.
        while let c = chars.first, c != ";" { chars.removeFirst() }
        while !chars.isEmpty {
            chars.removeFirst()  // ";"
            skipSpace()
            var key = ""
            while let c = chars.first, c != "=", c != ";" { key.append(c); chars.removeFirst() }
            guard chars.first == "=" else { continue }
            chars.removeFirst()
            skipSpace()
            var v = ""
            if chars.first == "\"" {
                chars.removeFirst()
                while let c = chars.first {
                    chars.removeFirst()
                    if c == "\\", let n = chars.first { v.append(n); chars.removeFirst(); continue }
                    if c == "\"" { break }
                    v.append(c)
                }
                while let c = chars.first, c != ";" { chars.removeFirst() }
            } else {
                while let c = chars.first, c != ";" { v.append(c); chars.removeFirst() }
                v = String(v.trimmingHTTPWhitespace)
            }
            out[String(key.trimmingHTTPWhitespace).lowercased()] = v
        }
        return out
    }
}
