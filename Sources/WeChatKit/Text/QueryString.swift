import Foundation

/// Query strings, both ways: percent-encoding as WeChat expects it (every byte except the unreserved
/// `A-Z a-z 0-9 - . _ ~` is encoded, so a `redirect_uri` is encoded as a whole: `http://x/?a=1` →
/// `http%3A%2F%2Fx%2F%3Fa%3D1`), and reading values out of a raw query (`+` is a space).
public enum QueryString {
    /// Encodes one value.
    public static func encode(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if isUnreserved(byte) {
                result.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                result.append("%")
                result.append(hexDigits[Int(byte >> 4)])
                result.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return result
    }

    /// Joins `name=value` pairs in the given order, encoding the values.
    public static func build(_ items: [(String, String)]) -> String {
        items.map { "\($0.0)=\(encode($0.1))" }.joined(separator: "&")
    }

    /// The first value of `name` in a raw (still percent-encoded) query, decoded; `""` for a bare name; `nil` when
    /// it is absent or not valid percent-encoding.
    public static func value(of name: String, in query: String) -> String? {
        for pair in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let rawName = pair[pair.startIndex..<(equals ?? pair.endIndex)]
            guard let key = decode(Substring(rawName)), key == name else { continue }
            guard let equals else { return "" }
            return decode(Substring(pair[pair.index(after: equals)...]))
        }
        return nil
    }

    /// Decodes one name or value (`+` is a space); `nil` when it is not valid percent-encoding.
    public static func decode(_ raw: Substring) -> String? {
        if !raw.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(raw) }
        return raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")
}
