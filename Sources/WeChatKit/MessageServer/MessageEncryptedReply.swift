/// An encrypted passive reply: the fields of the safe-mode reply envelope and its XML.
public struct MessageEncryptedReply: Sendable, Hashable {
    /// The base64 ciphertext (`<Encrypt>`).
    public let encrypt: String
    /// `sha1(sort([token, timestamp, nonce, encrypt]))` (`<MsgSignature>`).
    public let msgSignature: String
    /// The timestamp that was signed (`<TimeStamp>`).
    public let timestamp: String
    /// The nonce that was signed (`<Nonce>`).
    public let nonce: String

    /// The reply body: `<xml><Encrypt>…</Encrypt><MsgSignature>…</MsgSignature><TimeStamp>…</TimeStamp><Nonce>…</Nonce></xml>`.
    public var xml: String {
        "<xml><Encrypt>\(MessageReply.cdata(encrypt))</Encrypt>"
            + "<MsgSignature>\(MessageReply.cdata(msgSignature))</MsgSignature>"
            + "<TimeStamp>\(MessageReply.escapeText(timestamp))</TimeStamp>"
            + "<Nonce>\(MessageReply.cdata(nonce))</Nonce></xml>"
    }
}
