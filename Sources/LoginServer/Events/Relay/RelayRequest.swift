import Foundation
import WeChatKit

/// The push as the business's handler receives it: the query WeChat would have sent it, signed with the handler's
/// Token, and the body in the handler's mode — the original message XML, or that XML encrypted with the handler's
/// key (safe mode: the envelope alone; compatible mode: the fields plus `<Encrypt>`). Pure: built from values.
struct RelayRequest: Sendable, Hashable {
    /// The handler's URL with the signed query appended.
    var url: String
    /// The body bytes (UTF-8 XML).
    var body: Data

    /// Builds the forwarded request for `push`, keeping its `timestamp` and `nonce` (a handler checking its own
    /// timestamp window or nonces sees the push's own).
    ///
    /// - Parameter random: the 16-byte random prefix of the encryption, for tests; `nil` draws it securely.
    static func make(_ push: MessageServerPush, handlerURL: String, handler: MessageServer.Configuration,
                     random: [UInt8]? = nil) throws -> RelayRequest {
        let message = String(decoding: push.rawMessage, as: UTF8.self)
        var query: [(String, String)] = [
            ("signature", MessageSignature.plain(token: handler.token, timestamp: push.timestamp, nonce: push.nonce)),
            ("timestamp", push.timestamp), ("nonce", push.nonce),
        ]
        if let openID = push.openID { query.append(("openid", openID)) }
        var body = message
        if handler.mode != .plaintext {
            guard let key = handler.encodingAESKey else { throw MessageServerError.encryptionNotConfigured }
            let crypto = MessageCrypto(token: handler.token, appID: handler.appID, key: key)
            let encrypted = try crypto.encrypt(message, timestamp: push.timestamp, nonce: push.nonce, random: random)
            query += [("encrypt_type", "aes"), ("msg_signature", encrypted.msgSignature)]
            let envelope = "<Encrypt>\(MessageReply.cdata(encrypted.encrypt))</Encrypt>"
            if handler.mode == .safe {
                body = "<xml><ToUserName>\(MessageReply.cdata(push.message.toUserName))</ToUserName>\(envelope)</xml>"
            } else if let end = message.range(of: "</xml>", options: .backwards) {
                body = message.replacingCharacters(in: end, with: envelope + "</xml>")
            }
        }
        let encoded = QueryString.build(query)
        let separator = handlerURL.contains("?") ? "&" : "?"
        return RelayRequest(url: handlerURL + separator + encoded, body: Data(body.utf8))
    }
}
