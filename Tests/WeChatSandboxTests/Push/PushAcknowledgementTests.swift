@testable import WeChatSandbox
import Testing
import Foundation

@Suite("Classifying the developer server's answer to a push (spec §10.3)")
struct PushAcknowledgementTests {
    let v = PushVectors.self

    private func classify(_ body: String, status: Int = 200, mode: PushEnvelope.Mode = .plaintext) -> PushAcknowledgement {
        classifyPushResponse(
            status: status, body: body, mode: mode, token: v.wechatpyToken, appID: v.wechatpyAppID,
            encodingAESKey: v.wechatpyKey)
    }

    static let textReply = """
        <xml>
          <ToUserName><![CDATA[USER_OPENID]]></ToUserName>
          <FromUserName><![CDATA[gh_xxxxxxxxxxxx]]></FromUserName>
          <CreateTime>12345678</CreateTime>
          <MsgType><![CDATA[text]]></MsgType>
          <Content><![CDATA[hello]]></Content>
        </xml>
        """

    private var encryptedReply: String {
        """
        <xml>
        <Encrypt><![CDATA[\(v.replyEncrypt)]]></Encrypt>
        <MsgSignature><![CDATA[\(v.replyMsgSignature)]]></MsgSignature>
        <TimeStamp>\(v.replyTimestamp)</TimeStamp>
        <Nonce><![CDATA[\(v.replyNonce)]]></Nonce>
        </xml>
        """
    }

    @Test("`success` and an empty body acknowledge in every mode", arguments: PushEnvelope.Mode.allCases)
    func successAndEmpty(mode: PushEnvelope.Mode) {
        #expect(classify("success", mode: mode) == .success)
        #expect(classify("success\n", mode: mode) == .success)
        #expect(classify("", mode: mode) == .empty)
    }

    @Test("a plaintext reply is accepted in plaintext and compatible mode, not in safe mode")
    func plaintextReply() {
        #expect(classify(Self.textReply) == .reply(Self.textReply))
        #expect(classify(Self.textReply, mode: .compatible) == .reply(Self.textReply))
        guard case .invalid = classify(Self.textReply, mode: .safe) else {
            Issue.record("a plaintext reply was accepted in safe mode")
            return
        }
    }

    @Test("the §12.3 encrypted reply verifies and decrypts in safe and compatible mode",
          arguments: [PushEnvelope.Mode.safe, .compatible])
    func encryptedReply(mode: PushEnvelope.Mode) {
        #expect(classify(encryptedReply, mode: mode) == .reply(v.replyPlaintext))
    }

    @Test("an encrypted reply with a wrong signature, or in plaintext mode, is invalid")
    func encryptedReplyRejected() {
        let forged = encryptedReply.replacingOccurrences(of: v.replyMsgSignature, with: "12345")
        #expect(isInvalid(classify(forged, mode: .safe)))
        #expect(isInvalid(classify(encryptedReply, mode: .plaintext)))
        let noKey = classifyPushResponse(
            status: 200, body: encryptedReply, mode: .safe, token: v.wechatpyToken, appID: v.wechatpyAppID,
            encodingAESKey: nil)
        #expect(isInvalid(noKey))
        let otherApp = classifyPushResponse(
            status: 200, body: encryptedReply, mode: .safe, token: v.wechatpyToken, appID: "wx0000000000000000",
            encodingAESKey: v.wechatpyKey)
        #expect(isInvalid(otherApp))
    }

    @Test("JSON, malformed XML, incomplete replies and HTTP errors are invalid", arguments: [
        "{\"errcode\":0}", "<xml><ToUserName>", "<html><body>ok</body></html>", "<xml></xml>",
        "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>x</CreateTime><MsgType>text</MsgType></xml>",
        "<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName><CreateTime>1</CreateTime><MsgType>event</MsgType></xml>",
        "Success", "ok",
    ])
    func invalidBodies(body: String) {
        #expect(isInvalid(classify(body)))
    }

    @Test("a non-2xx status is invalid even with a `success` body")
    func httpError() {
        #expect(classify("success", status: 500) == .invalid("HTTP status 500"))
    }

    private func isInvalid(_ acknowledgement: PushAcknowledgement) -> Bool {
        if case .invalid = acknowledgement { return true }
        return false
    }
}
