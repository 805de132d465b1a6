/// The smallest string greater than every string that starts with `prefix`, in UTF-8 byte order
/// (S3's key order, SQLite's BINARY collation, PostgreSQL's "C" collation), or nil when there is
/// none (an empty prefix, or one made only of U+10FFFF). Range scans use `key >= prefix AND key <
/// bound`. `prefix + "\u{10FFFF}"` is not such a bound: it leaves out the key
/// `prefix + "\u{10FFFF}"` and every key after it that starts with the prefix.
///
/// UTF-8 byte order is code point order, so the bound is the prefix with its last code point
/// replaced by the next one (skipping the surrogates, which UTF-8 cannot encode), after dropping
/// trailing U+10FFFF.
public func prefixUpperBound(_ prefix: String) -> String? {
    var scalars = Array(prefix.unicodeScalars)
    while let last = scalars.popLast() {
        guard last.value < 0x10FFFF else { continue }
        let next = last.value + 1 == 0xD800 ? 0xE000 : last.value + 1
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        out.append(Unicode.Scalar(next)!)
        return String(out)
    }
    return nil
}
