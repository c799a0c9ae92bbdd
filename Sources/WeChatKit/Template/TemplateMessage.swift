/// A template message for `cgi-bin/message/template/send`.
///
/// ```swift
/// let message = TemplateMessage(
///     toUser: openID,
///     templateID: "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
///     url: "https://example.com/orders/42",
///     data: [
///         .init("thing1", "Chocolate"),
///         .init("amount2", "39.80", color: "#173177"),
///     ],
///     clientMessageID: "order-42-shipped")
/// ```
public struct TemplateMessage: Sendable, Hashable, Codable {
    /// The recipient's openid (a follower of this account).
    public var toUser: String
    /// The id of a template added to this account.
    public var templateID: String
    /// Where a tap leads, if anywhere.
    public var url: String?
    /// A linked mini program to open instead of ``url`` (the mini program wins when both are set).
    public var miniProgram: MiniProgram?
    /// The template's fields, in order: `{{key.DATA}}` → value (and an optional legacy colour).
    public var data: [Field]
    /// Idempotency key: WeChat sends one message per openid + key within 10 minutes.
    public var clientMessageID: String?

    /// Creates a template message.
    public init(
        toUser: String, templateID: String, url: String? = nil, miniProgram: MiniProgram? = nil, data: [Field],
        clientMessageID: String? = nil
    ) {
        self.toUser = toUser
        self.templateID = templateID
        self.url = url
        self.miniProgram = miniProgram
        self.data = data
        self.clientMessageID = clientMessageID
    }

    /// A mini program page to open (`miniprogram`).
    public struct MiniProgram: Sendable, Hashable, Codable {
        /// The mini program's AppID (it must be linked to this official account).
        public var appID: String
        /// The page path, optionally with a query (`index?foo=bar`).
        public var pagePath: String?

        /// Creates a mini program target.
        public init(appID: String, pagePath: String? = nil) {
            self.appID = appID
            self.pagePath = pagePath
        }

        enum CodingKeys: String, CodingKey {
            case appID = "appid", pagePath = "pagepath"
        }
    }

    /// One template field: key, value and an optional `#RRGGBB` colour (honoured only by old templates).
    public struct Field: Sendable, Hashable {
        /// The placeholder name (`keyword1` for `{{keyword1.DATA}}`).
        public var key: String
        /// The text to fill in.
        public var value: String
        /// An optional `#RRGGBB` colour.
        public var color: String?

        /// Creates a field.
        public init(_ key: String, _ value: String, color: String? = nil) {
            self.key = key
            self.value = value
            self.color = color
        }
    }

    enum CodingKeys: String, CodingKey {
        case toUser = "touser", templateID = "template_id", url, miniProgram = "miniprogram", data
        case clientMessageID = "client_msg_id"
    }
}
