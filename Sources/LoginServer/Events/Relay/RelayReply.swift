import Foundation
import WeChatKit

/// What the business's handler answered, judged as WeChat would judge it. Pure: from the status and body.
enum RelayReply: Sendable, Hashable {
    /// `success` or an empty body: nothing to send the person.
    case acknowledged
    /// A passive reply, as plaintext XML (decrypted when the handler encrypted it).
    case reply(String)
    /// Something WeChat would not accept (a failure status, too large, not XML, a bad signature): the person sees
    /// nothing rather than WeChat's "cannot provide service". `reason` is for the log; it holds no content.
    case refused(reason: String)

    /// Judges the handler's answer against its side of the message server (`handler`: Token, key and mode).
    static func judge(status: Int, body: Data, handler: MessageServer.Configuration, maxBytes: Int) -> RelayReply {
        guard status == 200 else { return .refused(reason: "status \(status)") }
        guard body.count <= maxBytes else { return .refused(reason: "larger than \(maxBytes) bytes") }
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty || text == MessageReply.success { return .acknowledged }
        let parser = XMLPushParser(configuration: .init(maxBytes: maxBytes))
        do {
            let root = try parser.parse(body)
            guard root.name == "xml" else { return .refused(reason: "not a reply document") }
            guard let encrypt = root["Encrypt"] else {
                guard handler.mode != .safe else { return .refused(reason: "a plaintext reply in safe mode") }
                return isReply(root) ? .reply(text) : .refused(reason: "no MsgType")
            }
            guard let key = handler.encodingAESKey else { return .refused(reason: "an encrypted reply without a key") }
            guard let signature = root["MsgSignature"]?.text, let timestamp = root["TimeStamp"]?.text,
                  let nonce = root["Nonce"]?.text
            else { return .refused(reason: "an encrypted reply without its signature") }
            let crypto = MessageCrypto(token: handler.token, appID: handler.appID, key: key)
            let decrypted = try crypto.decrypt(encrypt: encrypt.text, msgSignature: signature, timestamp: timestamp,
                                               nonce: nonce)
            guard isReply(try parser.parse(decrypted.message)) else { return .refused(reason: "no MsgType") }
            return .reply(String(decoding: decrypted.message, as: UTF8.self))
        } catch let error as MessageServerError {
            return .refused(reason: "\(error)")
        } catch {
            return .refused(reason: String(describing: type(of: error)))
        }
    }

    /// A passive reply is an `xml` document naming its `MsgType`.
    private static func isReply(_ root: XMLPushElement) -> Bool {
        root.name == "xml" && root["MsgType"].map { !$0.text.isEmpty } == true
    }
}
