import Foundation

extension XMLPushScanner {
    /// The five predefined entities; every other named reference is refused (never resolved).
    private static let predefined: [String: Unicode.Scalar] = [
        "lt": "<", "gt": ">", "amp": "&", "quot": "\"", "apos": "'",
    ]

    /// Rejects `<!DOCTYPE`, `<!ENTITY` and any other declaration, comments and processing instructions.
    func rejectMarkupDeclarations() throws {
        if hasPrefix("<!--") { throw malformed("comments are not supported") }
        if hasPrefix("<!") { throw forbidden("DOCTYPE, ENTITY or another markup declaration") }
        if hasPrefix("<?") { throw forbidden("processing instruction") }
    }

    /// Reads `<?xml …?>` at the start of the document, accepting only a UTF-8 encoding.
    mutating func declaration() throws {
        let start = position
        var end = position
        while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "?") && bytes[end + 1] == UInt8(ascii: ">")) {
            end += 1
        }
        guard end + 1 < bytes.count else { throw malformed("unterminated XML declaration", at: start) }
        let content = String(decoding: bytes[start..<end], as: UTF8.self).lowercased()
        if let range = content.range(of: "encoding") {
            let rest = content[range.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" }
            let value = rest.prefix { $0 != "\"" && $0 != "'" && $0 != " " }
            guard value == "utf-8" || value == "utf8" else {
                throw MessageServerError.invalidEncoding("the XML declares an encoding other than UTF-8")
            }
        }
        position = end + 2
    }

    /// Reads an element name: an ASCII letter or `_`, then letters, digits, `_`, `-`, `.` or `:`.
    mutating func name() throws -> String {
        let start = position
        while position < bytes.count, Self.isNameByte(bytes[position], first: position == start) {
            position += 1
        }
        guard position > start else { throw malformed("invalid element name", at: start) }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// Reads `&…;` and returns the character it stands for: a predefined entity or a character reference.
    mutating func reference() throws -> Unicode.Scalar {
        let start = position
        var end = position + 1
        while end < bytes.count, end - start <= 12, bytes[end] != UInt8(ascii: ";") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > start + 1 else {
            throw malformed("'&' that does not start a reference", at: start)
        }
        let body = String(decoding: bytes[(start + 1)..<end], as: UTF8.self)
        position = end + 1
        if let scalar = Self.predefined[body] { return scalar }
        guard body.hasPrefix("#") else { throw forbidden("entity reference", at: start) }
        let isHex = body.hasPrefix("#x")
        let digits = body.dropFirst(isHex ? 2 : 1)
        let isDigit: (Character) -> Bool = isHex ? { $0.isASCII && $0.isHexDigit } : { ("0"..."9").contains($0) }
        guard !digits.isEmpty, digits.count <= 8, digits.allSatisfy(isDigit), let value = UInt32(digits, radix: isHex ? 16 : 10),
              let scalar = Unicode.Scalar(value), Self.isAllowedCharacter(value)
        else { throw malformed("invalid character reference", at: start) }
        return scalar
    }

    /// Rejects control characters that XML 1.0 does not allow (tab, LF and CR are allowed).
    func checkCharacter(_ byte: UInt8) throws {
        guard byte >= 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D else {
            throw malformed("control character")
        }
    }

    mutating func skipWhitespace() {
        while position < bytes.count, Self.isWhitespace(bytes[position]) { position += 1 }
    }

    func hasPrefix(_ prefix: String) -> Bool {
        hasPrefix(Array(prefix.utf8))
    }

    func hasPrefix(_ prefix: [UInt8]) -> Bool {
        guard bytes.count - position >= prefix.count else { return false }
        return bytes[position..<(position + prefix.count)].elementsEqual(prefix)
    }

    func malformed(_ detail: String, at offset: Int? = nil) -> MessageServerError {
        .malformedXML(detail, at: offset ?? position)
    }

    func forbidden(_ detail: String, at offset: Int? = nil) -> MessageServerError {
        .forbiddenXML(detail, at: offset ?? position)
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            return true
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"):
            return !first
        default:
            return false
        }
    }

    private static func isAllowedCharacter(_ value: UInt32) -> Bool {
        value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
            || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
    }
}
