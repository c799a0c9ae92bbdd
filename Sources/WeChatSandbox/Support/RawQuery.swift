import Foundation

/// A query string parsed in order, without Vapor's decoding, so order checks and size caps see the raw input.
struct RawQuery: Sendable {
    let items: [(key: String, value: String)]

    init(_ query: String?) {
        guard let query, !query.isEmpty else { items = []; return }
        items = query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    init(items: [(key: String, value: String)]) {
        self.items = items
    }

    /// The first value of `key`, or nil when absent.
    subscript(_ key: String) -> String? {
        items.first { $0.key == key }?.value
    }

    /// The first non-empty value of `key`.
    func nonEmpty(_ key: String) -> String? {
        guard let value = self[key], !value.isEmpty else { return nil }
        return value
    }

    /// Keys in order of appearance.
    var keys: [String] {
        items.map(\.key)
    }

    private static func decode(_ raw: Substring) -> String {
        // Most keys and values need no decoding; Foundation's replace-and-decode is slow for them.
        if !raw.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(raw) }
        let spaced = raw.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}
