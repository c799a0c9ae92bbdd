/// A strict, bounded reader for WeChat's push XML: a root element with nested elements holding text or CDATA.
///
/// It never resolves entities: a DOCTYPE, any other `<!` declaration, processing instructions (except a leading
/// `<?xml …?>` declaring UTF-8) and entity references other than the five predefined ones and numeric character
/// references are rejected. Comments, attributes and mixed content are not supported. Input must be UTF-8.
public struct XMLPushParser: Sendable {
    /// The parser's limits.
    public struct Configuration: Sendable, Hashable {
        /// The largest accepted input in bytes (default 64 KiB).
        public var maxBytes: Int
        /// The deepest accepted nesting; the root is depth 1 (default 8).
        public var maxDepth: Int
        /// The most elements accepted in one document, the root included (default 512).
        public var maxElements: Int

        /// Creates limits; every default suits WeChat's pushes.
        public init(maxBytes: Int = 64 * 1024, maxDepth: Int = 8, maxElements: Int = 512) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxElements = maxElements
        }
    }

    /// The limits this parser enforces.
    public let configuration: Configuration

    /// Creates a parser with the given limits.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Parses a UTF-8 document and returns its root element.
    ///
    /// - Throws: `MessageServerError` `.oversized`, `.invalidEncoding`, `.malformedXML` or `.forbiddenXML`.
    public func parse(_ bytes: some Collection<UInt8>) throws -> XMLPushElement {
        guard bytes.count <= configuration.maxBytes else {
            throw MessageServerError.oversized("the XML exceeds \(configuration.maxBytes) bytes")
        }
        let input = Array(bytes)
        var sink: UInt32 = 0
        let invalid = transcode(input.makeIterator(), from: UTF8.self, to: UTF32.self, stoppingOnError: true) {
            sink &+= $0
        }
        guard !invalid else { throw MessageServerError.invalidEncoding("the XML is not valid UTF-8") }
        var scanner = XMLPushScanner(input, configuration: configuration)
        return try scanner.document()
    }

    /// Parses a document given as a string.
    public func parse(_ string: String) throws -> XMLPushElement {
        try parse(Array(string.utf8))
    }
}
