import Vapor

extension Request {
    /// The first value of the query parameter `name`, percent-decoded (`+` is a space), or `nil` when it is
    /// absent or not valid percent-encoding.
    ///
    /// The same answer as `query[String.self, at: name]` for the flat parameters our routes read, without a
    /// `Decoder` per lookup (Vapor's URL-encoded form decoder was a few percent of a login's CPU).
    func queryValue(_ name: String) -> String? {
        guard let query = url.query else { return nil }
        return QueryString.value(of: name, in: query)
    }
}

/// Reads one parameter out of a raw (still percent-encoded) query string.
enum QueryString {
    static func value(of name: String, in query: String) -> String? {
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = pair[pair.startIndex..<(equals ?? pair.endIndex)]
            guard let key = decode(Substring(rawName)), key == name else { continue }
            guard let equals else { return "" }
            return decode(Substring(pair[pair.index(after: equals)...]))
        }
        return nil
    }

    private static func decode(_ raw: Substring) -> String? {
        if !raw.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(raw) }
        return raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
