/// Escaping of XML element text, for the server's responses and the client's request bodies alike.
public enum XMLEscaping {
    public static func escape(_ s: String, into out: inout String) {
        // Byte by byte over UTF-8 (every byte that needs escaping is ASCII, and no byte of a
        // multi-byte sequence is), appending the runs between escapes whole: ETags alone bring two
        // quotes each, and a listing writes a thousand.
        var s = s
        s.withUTF8 { u in
            var run = 0
            for i in 0..<u.count {
                let c = u[i]
                let replacement: String
                switch c {
                case 0x26: replacement = "&amp;"
                case 0x3C: replacement = "&lt;"
                case 0x3E: replacement = "&gt;"
                case 0x22: replacement = "&quot;"
                case 0x27: replacement = "&apos;"
                case 0x0D: replacement = "&#13;"
                // Control characters cannot appear in XML 1.0 text; S3 escapes them numerically.
                case 0x00..<0x20 where c != 0x0A && c != 0x09: replacement = "&#\(c);"
                default: continue
                }
                if run < i { out += String(decoding: UnsafeBufferPointer(rebasing: u[run..<i]), as: UTF8.self) }
                out += replacement
                run = i + 1
            }
            if run == 0 {
                out += String(decoding: u, as: UTF8.self)
            } else if run < u.count {
                out += String(decoding: UnsafeBufferPointer(rebasing: u[run...]), as: UTF8.self)
            }
        }
    }

    public static func escape(_ s: String) -> String {
        var out = ""
        escape(s, into: &out)
        return out
    }
}
