/// A parsed XML element of a developer's reply: name, child elements and the concatenated text/CDATA content.
///
/// `ReplyXMLElement.parse` is a small, bounded parser for WeChat's attribute-free message XML: it accepts an
/// optional BOM, XML declaration, comments, CDATA and the five predefined and numeric entities, and throws on
/// anything malformed, on nesting deeper than `maximumDepth`, and on input over `maximumBytes`.
struct ReplyXMLElement: Equatable, Sendable {
    static let maximumBytes = 1 << 20
    static let maximumDepth = 16

    let name: String
    var children: [ReplyXMLElement]
    var text: String

    /// The first child named `name`.
    func child(_ name: String) -> ReplyXMLElement? {
        children.first { $0.name == name }
    }

    /// Parses a whole document; its single root element is returned.
    static func parse(_ document: String) throws(ReplyXMLError) -> ReplyXMLElement {
        let bytes = Array(document.utf8)
        guard bytes.count <= maximumBytes else { throw .tooLarge }
        var parser = ReplyXMLParser(bytes: bytes)
        return try parser.parseDocument()
    }
}
