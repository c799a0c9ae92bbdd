/// One element of a push's XML: its name and either its text or its child elements (never both).
public struct XMLPushElement: Sendable, Hashable {
    /// The element's name, e.g. `ToUserName`.
    public let name: String
    /// The element's character data with references and CDATA resolved; empty when it has children.
    public let text: String
    /// The child elements in document order.
    public let children: [XMLPushElement]

    /// Creates an element (mostly for tests; pushes come from `XMLPushParser`).
    public init(name: String, text: String = "", children: [XMLPushElement] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first child named `name`, if any.
    public subscript(_ name: String) -> XMLPushElement? {
        children.first { $0.name == name }
    }

    /// Every child named `name`, in document order.
    public func children(named name: String) -> [XMLPushElement] {
        children.filter { $0.name == name }
    }
}
