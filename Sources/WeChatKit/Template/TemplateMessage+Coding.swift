extension TemplateMessage {
    /// Encodes WeChat's request body; `data` becomes an object of `{"value", "color"?}` in field order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(toUser, forKey: .toUser)
        try container.encode(templateID, forKey: .templateID)
        try container.encodeIfPresent(url, forKey: .url)
        try container.encodeIfPresent(miniProgram, forKey: .miniProgram)
        try container.encodeIfPresent(clientMessageID, forKey: .clientMessageID)
        var fields = container.nestedContainer(keyedBy: FieldKey.self, forKey: .data)
        for field in data {
            try fields.encode(FieldValue(value: field.value, color: field.color), forKey: FieldKey(field.key))
        }
    }

    /// Decodes WeChat's request body (e.g. from a persisted queue); fields come back sorted by key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        toUser = try container.decode(String.self, forKey: .toUser)
        templateID = try container.decode(String.self, forKey: .templateID)
        url = try container.decodeIfPresent(String.self, forKey: .url)
        miniProgram = try container.decodeIfPresent(MiniProgram.self, forKey: .miniProgram)
        clientMessageID = try container.decodeIfPresent(String.self, forKey: .clientMessageID)
        let fields = try container.nestedContainer(keyedBy: FieldKey.self, forKey: .data)
        data = try fields.allKeys.sorted { $0.stringValue < $1.stringValue }.map { key in
            let value = try fields.decode(FieldValue.self, forKey: key)
            return Field(key.stringValue, value.value, color: value.color)
        }
    }

    private struct FieldValue: Codable {
        let value: String
        let color: String?
    }

    private struct FieldKey: CodingKey {
        let stringValue: String
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { return nil }
    }
}
