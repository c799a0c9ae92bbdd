import Foundation

/// What the sandbox POSTs for one push: the callback URL's query items and the body, for an encryption mode.
struct PushEnvelope: Sendable {
    /// The account's message encryption mode (spec §10).
    enum Mode: String, Sendable, Codable, CaseIterable {
        case plaintext, compatible, safe
    }

    /// `signature`, `timestamp`, `nonce`, `openid`, then in compatible/safe mode `encrypt_type=aes`, `msg_signature`.
    let queryItems: [(String, String)]
    /// The XML body.
    let body: String

    /// Signs (and in compatible/safe mode encrypts with `random`) the push `innerXML` for user `openID`.
    /// Throws `PushCryptoError.missingKey` when an encrypted mode has no EncodingAESKey.
    static func make(
        innerXML: String, toUserName: String, openID: String, token: String, appID: String,
        encodingAESKey: String?, mode: Mode, timestamp: Int, nonce: String, random: [UInt8]
    ) throws -> PushEnvelope {
        let time = String(timestamp)
        var query: [(String, String)] = [
            ("signature", PushCrypto.signature(token: token, timestamp: time, nonce: nonce)),
            ("timestamp", time), ("nonce", nonce), ("openid", openID),
        ]
        guard mode != .plaintext else { return PushEnvelope(queryItems: query, body: innerXML) }
        guard let encodingAESKey else { throw PushCryptoError.missingKey }

        let encrypt = try PushCrypto.encrypt(innerXML, appID: appID, encodingAESKey: encodingAESKey, random: random)
        let msgSignature = PushCrypto.msgSignature(token: token, timestamp: time, nonce: nonce, encrypt: encrypt)
        query.append(("encrypt_type", "aes"))
        query.append(("msg_signature", msgSignature))
        let encryptElement = PushXML.element("Encrypt", cdata: encrypt)
        let body: String
        if mode == .safe {
            body = "<xml>\(PushXML.element("ToUserName", cdata: toUserName))\(encryptElement)</xml>"
        } else if let close = innerXML.range(of: "</xml>", options: .backwards) {
            body = innerXML.replacingCharacters(in: close, with: encryptElement + "</xml>")
        } else {
            body = innerXML + encryptElement
        }
        return PushEnvelope(queryItems: query, body: body)
    }
}
