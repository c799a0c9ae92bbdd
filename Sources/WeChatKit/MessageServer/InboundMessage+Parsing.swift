extension InboundMessage {
    /// Parses and types a push from its XML bytes.
    ///
    /// - Throws: the parser's `MessageServerError`s, and `.missingField` / `.invalidField` for the typed fields.
    public init(parsing bytes: some Collection<UInt8>, parser: XMLPushParser = XMLPushParser()) throws {
        try self.init(xml: parser.parse(bytes))
    }

    /// Types a parsed push: root `xml`, the common fields, and the fields of the known kinds.
    ///
    /// Top-level text fields must not repeat (so that two `FromUserName`s cannot disagree).
    public init(xml: XMLPushElement) throws {
        guard xml.name == "xml" else { throw MessageServerError.invalidField("root element") }
        var fields: [String: String] = [:]
        for child in xml.children where child.children.isEmpty {
            guard fields.updateValue(child.text, forKey: child.name) == nil else {
                throw MessageServerError.invalidField("duplicate top-level field")
            }
        }
        guard let to = fields["ToUserName"] else { throw MessageServerError.missingField("ToUserName") }
        guard let from = fields["FromUserName"] else { throw MessageServerError.missingField("FromUserName") }
        guard let created = fields["CreateTime"] else { throw MessageServerError.missingField("CreateTime") }
        guard let createTime = Self.integer(created) else { throw MessageServerError.invalidField("CreateTime") }
        guard let msgType = fields["MsgType"] else { throw MessageServerError.missingField("MsgType") }
        self.toUserName = to
        self.fromUserName = from
        self.createTime = createTime
        self.msgType = msgType
        self.fields = fields
        self.xml = xml
        self.kind = try Self.kind(msgType: msgType, fields: fields)
    }

    private static func kind(msgType: String, fields: [String: String]) throws -> Kind {
        switch msgType {
        case "text":
            guard let content = fields["Content"] else { throw MessageServerError.missingField("Content") }
            guard let raw = fields["MsgId"] else { throw MessageServerError.missingField("MsgId") }
            guard let msgID = integer(raw) else { throw MessageServerError.invalidField("MsgId") }
            return .text(content: content, msgID: msgID)
        case "event":
            guard let name = fields["Event"] else { throw MessageServerError.missingField("Event") }
            return .event(try event(name, fields: fields))
        default:
            return .other
        }
    }

    private static func event(_ name: String, fields: [String: String]) throws -> Event {
        let ticket = fields["Ticket"].flatMap { $0.isEmpty ? nil : $0 }
        switch name {
        case "subscribe":
            let eventKey = fields["EventKey"].flatMap { $0.isEmpty ? nil : $0 }
            let prefix = "qrscene_"
            let scene = eventKey.flatMap { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : nil }
            return .subscribe(eventKey: eventKey, scene: scene, ticket: ticket)
        case "unsubscribe":
            return .unsubscribe
        case "SCAN":
            guard let eventKey = fields["EventKey"] else { throw MessageServerError.missingField("EventKey") }
            return .scan(eventKey: eventKey, ticket: ticket)
        case "TEMPLATESENDJOBFINISH":
            guard let raw = fields["MsgID"] else { throw MessageServerError.missingField("MsgID") }
            guard let msgID = integer(raw) else { throw MessageServerError.invalidField("MsgID") }
            guard let status = fields["Status"] else { throw MessageServerError.missingField("Status") }
            return .templateSendJobFinish(msgID: msgID, status: TemplateSendStatus(rawValue: status))
        default:
            return .other(name: name)
        }
    }

    /// A decimal `Int64` with optional surrounding ASCII whitespace; `nil` on overflow or other characters.
    private static func integer(_ text: String) -> Int64? {
        let trimmed = text.utf8.drop { XMLPushScanner.isWhitespace($0) }.reversed().drop { XMLPushScanner.isWhitespace($0) }
        let digits = String(decoding: trimmed.reversed(), as: UTF8.self)
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int64(digits)
    }
}
