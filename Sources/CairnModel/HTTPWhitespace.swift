extension StringProtocol where SubSequence == Substring {
    /// Without leading and trailing spaces and tabs: HTTP's optional whitespace around header values
    /// and list items. Foundation's `trimmingCharacters(in:)` bridges through NSString on Linux and
    /// was the largest single cost of verifying a SigV4 Authorization header.
    public var trimmingHTTPWhitespace: Substring {
        var start = startIndex, end = endIndex
        while start < end, self[start] == " " || self[start] == "\t" { start = index(after: start) }
        while end > start {
            let before = index(before: end)
            guard self[before] == " " || self[before] == "\t" else { break }
            end = before
        }
        return self[start..<end]
    }
}
