/// The byte-level scanner behind `XMLPushParser`: iterative (an explicit stack, no recursion), bounded by the
/// configuration, and never resolving entities. The input has already been checked to be valid UTF-8.
struct XMLPushScanner {
    private struct Frame {
        let name: String
        var text: [UInt8] = []
        var children: [XMLPushElement] = []
        var hasSignificantText = false
    }

    let bytes: [UInt8]
    let configuration: XMLPushParser.Configuration
    var position = 0
    private var stack: [Frame] = []
    private var elementCount = 0

    init(_ bytes: [UInt8], configuration: XMLPushParser.Configuration) {
        self.bytes = bytes
        self.configuration = configuration
    }

    /// Parses the whole document: optional BOM and declaration, one root element, trailing whitespace only.
    mutating func document() throws -> XMLPushElement {
        if hasPrefix([0xEF, 0xBB, 0xBF]) { position = 3 }
        skipWhitespace()
        if hasPrefix("<?xml"), position + 5 < bytes.count, Self.isWhitespace(bytes[position + 5]) {
            try declaration()
        }
        skipWhitespace()
        guard position < bytes.count else { throw malformed("no root element") }
        try rejectMarkupDeclarations()
        guard bytes[position] == UInt8(ascii: "<") else { throw malformed("text before the root element") }
        let root = try elementTree()
        skipWhitespace()
        if position < bytes.count {
            try rejectMarkupDeclarations()
            throw malformed("content after the root element")
        }
        return root
    }

    /// Parses from a start tag to its matching end tag.
    private mutating func elementTree() throws -> XMLPushElement {
        if let empty = try startTag() { return empty }
        while true {
            guard position < bytes.count else { throw malformed("unterminated element") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "<") {
                if hasPrefix("</") {
                    let element = try endTag()
                    if stack.isEmpty { return element }
                    append(element)
                } else if hasPrefix("<![CDATA[") {
                    try cdata()
                } else {
                    try rejectMarkupDeclarations()
                    if let empty = try startTag() { append(empty) }
                }
            } else if byte == UInt8(ascii: "&") {
                let scalar = try reference()
                stack[stack.count - 1].text.append(contentsOf: Array(String(Character(scalar)).utf8))
                stack[stack.count - 1].hasSignificantText = true
            } else {
                try characterData(byte)
            }
        }
    }

    /// Reads `<Name>` or `<Name/>`; returns the element when it is empty, otherwise pushes a frame.
    private mutating func startTag() throws -> XMLPushElement? {
        let tagStart = position
        position += 1
        let name = try self.name()
        skipWhitespace()
        elementCount += 1
        guard elementCount <= configuration.maxElements else {
            throw MessageServerError.oversized("more than \(configuration.maxElements) elements")
        }
        guard stack.count + 1 <= configuration.maxDepth else {
            throw MessageServerError.oversized("nesting deeper than \(configuration.maxDepth)")
        }
        if hasPrefix("/>") {
            position += 2
            return XMLPushElement(name: name)
        }
        guard position < bytes.count else { throw malformed("unterminated start tag", at: tagStart) }
        guard bytes[position] == UInt8(ascii: ">") else {
            throw malformed("attributes are not supported", at: tagStart)
        }
        position += 1
        stack.append(Frame(name: name))
        return nil
    }

    /// Reads `</Name>`, checks it closes the open element and returns that element.
    private mutating func endTag() throws -> XMLPushElement {
        let tagStart = position
        position += 2
        let name = try self.name()
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ">") else {
            throw malformed("unterminated end tag", at: tagStart)
        }
        position += 1
        guard let frame = stack.popLast(), frame.name == name else {
            throw malformed("mismatched end tag", at: tagStart)
        }
        if frame.children.isEmpty {
            return XMLPushElement(name: frame.name, text: String(decoding: frame.text, as: UTF8.self))
        }
        guard !frame.hasSignificantText else { throw malformed("mixed text and elements", at: tagStart) }
        return XMLPushElement(name: frame.name, children: frame.children)
    }

    /// Appends `<![CDATA[…]]>` content verbatim to the open element's text.
    private mutating func cdata() throws {
        let start = position
        position += 9
        while position + 2 < bytes.count {
            if bytes[position] == UInt8(ascii: "]"), bytes[position + 1] == UInt8(ascii: "]"),
               bytes[position + 2] == UInt8(ascii: ">") {
                stack[stack.count - 1].text.append(contentsOf: bytes[(start + 9)..<position])
                stack[stack.count - 1].hasSignificantText = true
                position += 3
                return
            }
            try checkCharacter(bytes[position])
            position += 1
        }
        throw malformed("unterminated CDATA section", at: start)
    }

    /// Appends one byte of character data, rejecting `]]>` and control characters.
    private mutating func characterData(_ byte: UInt8) throws {
        try checkCharacter(byte)
        if byte == UInt8(ascii: ">"), position >= 2,
           bytes[position - 1] == UInt8(ascii: "]"), bytes[position - 2] == UInt8(ascii: "]") {
            throw malformed("']]>' in character data")
        }
        stack[stack.count - 1].text.append(byte)
        if !Self.isWhitespace(byte) { stack[stack.count - 1].hasSignificantText = true }
        position += 1
    }

    private mutating func append(_ element: XMLPushElement) {
        stack[stack.count - 1].children.append(element)
    }
}
