/// The cursor behind `ReplyXMLElement.parse`.
struct ReplyXMLParser {
    private let bytes: [UInt8]
    private var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(ReplyXMLError) -> ReplyXMLElement {
        if hasPrefix([0xEF, 0xBB, 0xBF]) { index += 3 }
        skipWhitespace()
        if hasPrefix("<?xml") { try skip(past: "?>") }
        try skipMisc()
        let root = try parseElement(depth: 1)
        try skipMisc()
        guard index == bytes.count else { throw .malformed(offset: index) }
        return root
    }

    private mutating func parseElement(depth: Int) throws(ReplyXMLError) -> ReplyXMLElement {
        guard depth <= ReplyXMLElement.maximumDepth else { throw .tooDeep }
        try expect("<")
        let name = try parseName()
        skipWhitespace()
        if hasPrefix("/>") {
            index += 2
            return ReplyXMLElement(name: name, children: [], text: "")
        }
        try expect(">")
        var element = ReplyXMLElement(name: name, children: [], text: "")
        var text: [UInt8] = []
        while true {
            guard index < bytes.count else { throw .malformed(offset: index) }
            if hasPrefix("</") {
                index += 2
                guard try parseName() == name else { throw .malformed(offset: index) }
                skipWhitespace()
                try expect(">")
                element.text = String(decoding: text, as: UTF8.self)
                return element
            } else if hasPrefix("<![CDATA[") {
                index += 9
                let start = index
                try skip(past: "]]>")
                text.append(contentsOf: bytes[start..<(index - 3)])
            } else if hasPrefix("<!--") {
                try skip(past: "-->")
            } else if bytes[index] == UInt8(ascii: "<") {
                element.children.append(try parseElement(depth: depth + 1))
            } else if bytes[index] == UInt8(ascii: "&") {
                text.append(contentsOf: try parseEntity())
            } else {
                text.append(bytes[index])
                index += 1
            }
        }
    }

    private mutating func parseName() throws(ReplyXMLError) -> String {
        let start = index
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        guard index > start else { throw .malformed(offset: index) }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func parseEntity() throws(ReplyXMLError) -> [UInt8] {
        let start = index
        guard let end = bytes[index...].prefix(12).firstIndex(of: UInt8(ascii: ";")) else {
            throw .malformed(offset: start)
        }
        let entity = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
        index = end + 1
        let named: [String: String] = ["lt": "<", "gt": ">", "amp": "&", "quot": "\"", "apos": "'"]
        if let value = named[entity] { return Array(value.utf8) }
        var digits = Substring(entity)
        guard digits.first == "#" else { throw .malformed(offset: start) }
        digits = digits.dropFirst()
        let radix = digits.first == "x" ? 16 : 10
        if radix == 16 { digits = digits.dropFirst() }
        guard let code = UInt32(digits, radix: radix), let scalar = Unicode.Scalar(code) else {
            throw .malformed(offset: start)
        }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func skipMisc() throws(ReplyXMLError) {
        skipWhitespace()
        while hasPrefix("<!--") {
            try skip(past: "-->")
            skipWhitespace()
        }
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func skip(past terminator: String) throws(ReplyXMLError) {
        let pattern = Array(terminator.utf8)
        while index < bytes.count {
            if hasPrefix(pattern) {
                index += pattern.count
                return
            }
            index += 1
        }
        throw .malformed(offset: index)
    }

    private mutating func expect(_ literal: String) throws(ReplyXMLError) {
        guard hasPrefix(literal) else { throw .malformed(offset: index) }
        index += literal.utf8.count
    }

    private func hasPrefix(_ literal: String) -> Bool {
        hasPrefix(Array(literal.utf8))
    }

    private func hasPrefix(_ pattern: [UInt8]) -> Bool {
        bytes.count - index >= pattern.count && bytes[index..<(index + pattern.count)].elementsEqual(pattern)
    }

    private func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: ":"):
            true
        default:
            byte >= 0x80
        }
    }
}
