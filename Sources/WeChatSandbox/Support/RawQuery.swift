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
        return percentDecoded(raw) ?? raw.replacingOccurrences(of: "+", with: " ")
    }

    /// `+` as a space and `%XX` as its byte, then UTF-8; `nil` for a malformed escape or invalid UTF-8 (the same
    /// answers as Foundation's `removingPercentEncoding` after replacing `+`, without its cost on every request).
    static func percentDecoded(_ raw: Substring) -> String? {
        let input = Array(raw.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            switch input[index] {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
                index += 1
            case UInt8(ascii: "%"):
                guard index + 2 < input.count, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2])
                else { return nil }
                bytes.append(high << 4 | low)
                index += 3
            case let byte:
                bytes.append(byte)
                index += 1
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
