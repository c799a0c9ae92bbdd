/// Why `ReplyXMLElement.parse` rejected a document; equality compares the kind only.
struct ReplyXMLError: Error, Equatable, Sendable, CustomStringConvertible {
    private enum Kind: Equatable, Sendable {
        case tooLarge, tooDeep, malformed
    }

    private let kind: Kind
    /// The UTF-8 byte offset where a malformed document went wrong.
    let offset: Int?

    /// The document exceeds `ReplyXMLElement.maximumBytes`.
    static var tooLarge: Self { .init(kind: .tooLarge, offset: nil) }
    /// Elements nest deeper than `ReplyXMLElement.maximumDepth`.
    static var tooDeep: Self { .init(kind: .tooDeep, offset: nil) }
    /// The document is not well-formed at byte `offset`.
    static func malformed(offset: Int) -> Self { .init(kind: .malformed, offset: offset) }

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.kind == rhs.kind }

    var description: String {
        switch kind {
        case .tooLarge: "ReplyXMLError: the document is too large"
        case .tooDeep: "ReplyXMLError: elements nest too deeply"
        case .malformed: "ReplyXMLError: malformed XML at byte \(offset ?? 0)"
        }
    }
}
