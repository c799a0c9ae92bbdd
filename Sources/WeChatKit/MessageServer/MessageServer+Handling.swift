import Foundation

extension MessageServer {
    /// URL verification: a valid signature and timestamp give back the raw `echostr`.
    func verify(_ query: [String: String], now: Date) throws -> String {
        let echostr = try parameter("echostr", in: query)
        guard !echostr.isEmpty, echostr.utf8.count <= configuration.maxEchostrBytes else {
            throw MessageServerError.invalidParameter("echostr")
        }
        _ = try authenticate(query, now: now)
        return echostr
    }

    /// A push: authenticate, decide plaintext or AES, decrypt, parse and type.
    func receive(_ request: MessageServerRequest, now: Date) throws -> MessageServerPush {
        guard request.body.count <= configuration.xml.maxBytes else {
            throw MessageServerError.oversized("the body exceeds \(configuration.xml.maxBytes) bytes")
        }
        let (timestamp, nonce) = try authenticate(request.query, now: now)
        let encrypted: Bool
        switch request.query["encrypt_type"] {
        case nil, "raw": encrypted = false
        case "aes": encrypted = true
        default: throw MessageServerError.invalidParameter("encrypt_type")
        }
        if configuration.mode == .safe, !encrypted { throw MessageServerError.encryptionRequired }
        if configuration.mode == .plaintext, encrypted { throw MessageServerError.encryptionNotConfigured }

        let outer = try parser.parse(request.body)
        var keySlot: MessageCrypto.KeySlot?
        let message: InboundMessage
        let rawMessage: Data
        if encrypted {
            guard let crypto else { throw MessageServerError.encryptionNotConfigured }
            let msgSignature = try parameter("msg_signature", in: request.query)
            guard outer.name == "xml", let encrypt = outer["Encrypt"], encrypt.children.isEmpty else {
                throw MessageServerError.missingField("Encrypt")
            }
            let decrypted = try crypto.decrypt(
                encrypt: encrypt.text, msgSignature: msgSignature, timestamp: timestamp, nonce: nonce
            )
            keySlot = decrypted.keySlot
            message = try InboundMessage(xml: parser.parse(decrypted.message))
            rawMessage = decrypted.message
        } else {
            message = try InboundMessage(xml: outer)
            rawMessage = request.body
        }
        return MessageServerPush(
            message: message, keySlot: keySlot, timestamp: timestamp, nonce: nonce, openID: request.query["openid"],
            rawMessage: rawMessage
        )
    }

    /// Checks `signature` (constant time) and the timestamp window; returns the timestamp and nonce.
    private func authenticate(_ query: [String: String], now: Date) throws -> (timestamp: String, nonce: String) {
        let signature = try parameter("signature", in: query)
        let timestamp = try parameter("timestamp", in: query)
        let nonce = try parameter("nonce", in: query)
        guard nonce.utf8.count <= configuration.maxNonceBytes else {
            throw MessageServerError.invalidParameter("nonce")
        }
        guard MessageSignature.isValid(signature, token: configuration.token, timestamp: timestamp, nonce: nonce) else {
            throw MessageServerError.badSignature
        }
        try configuration.timestampWindow.check(timestamp, now: now)
        return (timestamp, nonce)
    }

    private func parameter(_ name: StaticString, in query: [String: String]) throws -> String {
        guard let value = query["\(name)"] else { throw MessageServerError.missingParameter(name) }
        return value
    }
}
