import Foundation

/// The result of handling one callback request.
public enum MessageServerOutcome: Sendable, Hashable {
    /// A valid URL verification: answer with exactly this `echostr` (no quotes, no newline).
    case verification(echostr: String)
    /// A verified (and, if needed, decrypted) push.
    case push(MessageServerPush)
}

/// A verified push together with what the reply needs.
public struct MessageServerPush: Sendable, Hashable {
    /// The typed message or event.
    public let message: InboundMessage
    /// The key that decrypted the push; `nil` when it arrived in plaintext.
    public let keySlot: MessageCrypto.KeySlot?
    /// The request's `timestamp` (reused to sign an encrypted reply).
    public let timestamp: String
    /// The request's `nonce` (reused to sign an encrypted reply).
    public let nonce: String
    /// The `openid` query parameter, if present. It is not covered by any signature: prefer
    /// `message.fromUserName`.
    public let openID: String?
    /// The message's XML exactly as WeChat sent it: the plaintext body, or the decrypted `msg` of an encrypted
    /// push. A relay passes these bytes on unchanged.
    public let rawMessage: Data

    /// Whether the push arrived encrypted (so the reply must be encrypted too).
    public var isEncrypted: Bool { keySlot != nil }
}
