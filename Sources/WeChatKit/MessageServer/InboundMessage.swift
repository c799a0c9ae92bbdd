/// A message or event pushed to the account's callback URL, with the common fields typed.
///
/// Known kinds are typed in `kind`; everything else is kept raw: `fields` holds every top-level text field and
/// `xml` the whole element tree (for nested pushes such as `ScanCodeInfo`).
public struct InboundMessage: Sendable, Hashable {
    /// What the push is.
    public enum Kind: Sendable, Hashable {
        /// A text message (`MsgType` `text`).
        case text(content: String, msgID: Int64)
        /// An event (`MsgType` `event`).
        case event(Event)
        /// Another message type (image, voice, …), kept raw in `fields` and `xml`.
        case other
    }

    /// A typed event.
    public enum Event: Sendable, Hashable {
        /// A follow. `scene` is the `EventKey` after `qrscene_` when the user scanned a parametric QR code.
        case subscribe(eventKey: String?, scene: String?, ticket: String?)
        /// An unfollow.
        case unsubscribe
        /// A follower scanned a parametric QR code (`EventKey` is the scene, with no prefix).
        case scan(eventKey: String, ticket: String?)
        /// A template message's delivery result (`MsgID` equals the `msgid` returned by the send call).
        case templateSendJobFinish(msgID: Int64, status: TemplateSendStatus)
        /// Another event, by its exact `Event` name; the fields are kept raw.
        case other(name: String)
    }

    /// The `Status` of a `TEMPLATESENDJOBFINISH` event.
    public enum TemplateSendStatus: Sendable, Hashable {
        /// `success`: delivered.
        case success
        /// `failed:user block`: the user refuses messages from this account.
        case userBlock
        /// `failed: system failed`: failed for another reason.
        case systemFailed
        /// Any other value, verbatim.
        case other(String)

        /// Maps the three exact WeChat strings; anything else becomes `.other`.
        public init(rawValue: String) {
            switch rawValue {
            case "success": self = .success
            case "failed:user block": self = .userBlock
            case "failed: system failed": self = .systemFailed
            default: self = .other(rawValue)
            }
        }

        /// The wire string.
        public var rawValue: String {
            switch self {
            case .success: "success"
            case .userBlock: "failed:user block"
            case .systemFailed: "failed: system failed"
            case .other(let value): value
            }
        }
    }

    /// The account's original id (`gh_…`).
    public let toUserName: String
    /// The sender's openid.
    public let fromUserName: String
    /// The push's creation time in Unix seconds.
    public let createTime: Int64
    /// The raw `MsgType` (`text`, `event`, `image`, …).
    public let msgType: String
    /// The typed content.
    public let kind: Kind
    /// Every top-level field that holds text, by element name.
    public let fields: [String: String]
    /// The whole document (root `xml`).
    public let xml: XMLPushElement

    /// The key WeChat's retries share: `msgid:<MsgId>` for messages, `event:<FromUserName>:<CreateTime>` for events
    /// (and for messages without a `MsgId`). An event that names a message of its own — a delivery report's `MsgID`
    /// (`TEMPLATESENDJOBFINISH`, `MASSSENDJOBFINISH`) — adds it, `event:<FromUserName>:<CreateTime>:msgid:<MsgID>`:
    /// a campaign can send one follower two messages whose reports come in the same second, and those are two pushes,
    /// while WeChat's retry of either carries its own `MsgID` again.
    public var deduplicationKey: String {
        if msgType != "event", let raw = fields["MsgId"], let msgID = Int64(raw) { return "msgid:\(msgID)" }
        if let raw = fields["MsgID"], let msgID = Int64(raw) { return "event:\(fromUserName):\(createTime):msgid:\(msgID)" }
        return "event:\(fromUserName):\(createTime)"
    }
}
