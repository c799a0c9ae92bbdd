/// How WeChat would treat the developer server's answer to a push (spec §10.3).
///
/// `success`, an empty body and a well-formed reply are acknowledgements; `invalid` means the user would see
/// "该公众号暂时无法提供服务，请稍后再试". The associated string of `reply` is the (decrypted) reply XML, that of
/// `invalid` a reason for the sandbox's event log, never containing keys.
enum PushAcknowledgement: Equatable, Sendable {
    case success
    case empty
    case reply(String)
    case invalid(String)
}

/// The message types a passive reply may carry.
private let passiveReplyMessageTypes: Set<String> = [
    "text", "image", "voice", "video", "music", "news", "transfer_customer_service",
]

/// Classifies the developer server's answer to a push made in `mode`.
///
/// Plaintext mode accepts a plaintext reply; safe mode only an encrypted envelope (`Encrypt`, `MsgSignature`,
/// `TimeStamp`, `Nonce`) whose signature verifies with `token` and that decrypts with the key and `appID`;
/// compatible mode accepts either. `success` and an empty body are accepted in every mode.
func classifyPushResponse(
    status: Int, body: String, mode: PushEnvelope.Mode, token: String, appID: String, encodingAESKey: String?
) -> PushAcknowledgement {
    guard (200..<300).contains(status) else { return .invalid("HTTP status \(status)") }
    guard body.utf8.count <= ReplyXMLElement.maximumBytes else { return .invalid("reply body too large") }
    if body.isEmpty { return .empty }
    if body.trimmingWhitespace() == "success" { return .success }

    let root: ReplyXMLElement
    do {
        root = try ReplyXMLElement.parse(body)
    } catch {
        return .invalid("reply is not well-formed XML")
    }
    guard root.name == "xml" else { return .invalid("reply root element is <\(root.name.prefix(32))>, not <xml>") }

    if root.child("Encrypt") != nil {
        guard mode != .plaintext else { return .invalid("encrypted reply in plaintext mode") }
        return classifyEncryptedReply(root, token: token, appID: appID, encodingAESKey: encodingAESKey)
    }
    guard mode != .safe else { return .invalid("plaintext reply in safe mode") }
    if let problem = passiveReplyProblem(root) { return .invalid(problem) }
    return .reply(body)
}

private func classifyEncryptedReply(
    _ root: ReplyXMLElement, token: String, appID: String, encodingAESKey: String?
) -> PushAcknowledgement {
    guard let encodingAESKey else { return .invalid("encrypted reply but the account has no EncodingAESKey") }
    guard let encrypt = root.child("Encrypt")?.text, let signature = root.child("MsgSignature")?.text,
          let timestamp = root.child("TimeStamp")?.text, let nonce = root.child("Nonce")?.text else {
        return .invalid("encrypted reply lacks MsgSignature, TimeStamp or Nonce")
    }
    let expected = PushCrypto.msgSignature(token: token, timestamp: timestamp, nonce: nonce, encrypt: encrypt)
    guard PushCrypto.constantTimeEquals(expected, signature) else { return .invalid("reply MsgSignature does not verify") }
    let inner: String
    do {
        inner = try PushCrypto.decrypt(encrypt, appID: appID, encodingAESKey: encodingAESKey)
    } catch {
        return .invalid("reply does not decrypt: \(error)")
    }
    guard let innerRoot = try? ReplyXMLElement.parse(inner), innerRoot.name == "xml" else {
        return .invalid("decrypted reply is not well-formed XML")
    }
    if let problem = passiveReplyProblem(innerRoot) { return .invalid(problem) }
    return .reply(inner)
}

/// Why `root` is not a passive reply (missing common fields, non-numeric time, unknown type), or nil.
private func passiveReplyProblem(_ root: ReplyXMLElement) -> String? {
    for field in ["ToUserName", "FromUserName", "CreateTime", "MsgType"] where root.child(field) == nil {
        return "reply lacks <\(field)>"
    }
    guard let time = root.child("CreateTime")?.text.trimmingWhitespace(), Int64(time) != nil else {
        return "reply CreateTime is not a number"
    }
    let type = root.child("MsgType")?.text.trimmingWhitespace() ?? ""
    guard passiveReplyMessageTypes.contains(type) else { return "reply MsgType is not a passive reply type" }
    return nil
}

extension String {
    /// The string without leading and trailing spaces, tabs, CR and LF.
    fileprivate func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
