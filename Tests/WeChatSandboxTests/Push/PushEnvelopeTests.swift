@testable import WeChatSandbox
import Testing
import Foundation

@Suite("Push envelopes and inner XML (spec §9.3, §10.2, §12.2 C)")
struct PushEnvelopeTests {
    let v = PushVectors.self
    let openID = "oia2TjuEGTNoeX76QEjQNrcURxG8"

    private func subscribeEnvelope(_ mode: PushEnvelope.Mode, key: String? = PushVectors.key) throws -> PushEnvelope {
        let inner = PushXML.subscribe(toUserName: "gh_7f083739789a", fromOpenID: openID, createTime: 1_409_304_348)
        return try PushEnvelope.make(
            innerXML: inner, toUserName: "gh_7f083739789a", openID: openID, token: v.token, appID: v.appID,
            encodingAESKey: key, mode: mode, timestamp: 1_409_304_348, nonce: v.nonce, random: v.random)
    }

    private func query(_ envelope: PushEnvelope) -> String {
        envelope.queryItems.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    @Test("vector C: the subscribe XML is byte-exact")
    func subscribeXML() {
        #expect(PushXML.subscribe(toUserName: "gh_7f083739789a", fromOpenID: openID, createTime: 1_409_304_348)
            == v.plaintextC)
    }

    @Test("vector C: safe mode reproduces the exact query and the two-field body")
    func safeModeVectorC() throws {
        let envelope = try subscribeEnvelope(.safe)
        #expect(query(envelope) == v.queryC)
        #expect(envelope.body
            == "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Encrypt><![CDATA[\(v.encryptC)]]></Encrypt></xml>")
    }

    @Test("compatible mode: same query, plaintext fields plus Encrypt")
    func compatibleMode() throws {
        let envelope = try subscribeEnvelope(.compatible)
        #expect(query(envelope) == v.queryC)
        #expect(envelope.body == v.plaintextC.replacingOccurrences(
            of: "</xml>", with: "<Encrypt><![CDATA[\(v.encryptC)]]></Encrypt></xml>"))
    }

    @Test("plaintext mode: four query items and the XML as body, no key needed")
    func plaintextMode() throws {
        let envelope = try subscribeEnvelope(.plaintext, key: nil)
        #expect(query(envelope)
            == "signature=76480565cbe296026c53aaacd1ad523a1ddba24f&timestamp=1409304348&nonce=xxxxxx&openid=\(openID)")
        #expect(envelope.body == v.plaintextC)
    }

    @Test("encrypted modes without an EncodingAESKey throw missingKey", arguments: [PushEnvelope.Mode.compatible, .safe])
    func missingKey(mode: PushEnvelope.Mode) {
        #expect(throws: PushCryptoError.missingKey) { try subscribeEnvelope(mode, key: nil) }
    }

    @Test("the other pushes carry WeChat's fields")
    func otherPushes() {
        #expect(PushXML.unsubscribe(toUserName: "gh_1", fromOpenID: "o1", createTime: 5)
            == "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName><CreateTime>5</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[unsubscribe]]></Event></xml>")
        #expect(PushXML.scan(toUserName: "gh_1", fromOpenID: "o1", createTime: 5, eventKey: "42", ticket: "T")
            .hasSuffix("<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[42]]></EventKey><Ticket><![CDATA[T]]></Ticket></xml>"))
        #expect(PushXML.subscribe(toUserName: "gh_1", fromOpenID: "o1", createTime: 5, eventKey: "qrscene_42", ticket: "T")
            .hasSuffix("<EventKey><![CDATA[qrscene_42]]></EventKey><Ticket><![CDATA[T]]></Ticket></xml>"))
        #expect(PushXML.templateSendJobFinish(
            toUserName: "gh_7f083739789a", fromOpenID: openID, createTime: 1_395_658_920, msgID: 200_163_836,
            status: "failed:user block")
            == "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><FromUserName><![CDATA[\(openID)]]></FromUserName><CreateTime>1395658920</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>200163836</MsgID><Status><![CDATA[failed:user block]]></Status></xml>")
        #expect(PushXML.text(toUserName: "gh_1", fromOpenID: "o1", createTime: 5, content: "你好", msgID: 4_363_689_963_896_700_987)
            .hasSuffix("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好]]></Content><MsgId>4363689963896700987</MsgId></xml>"))
    }

    @Test("CDATA content containing ]]> is split and parses back to the original text")
    func cdataEscaping() throws {
        let content = "a]]>b<c>&"
        let xml = PushXML.text(toUserName: "gh_1", fromOpenID: "o1", createTime: 5, content: content, msgID: 1)
        #expect(xml.contains("<![CDATA[a]]]]><![CDATA[>b<c>&]]>"))
        #expect(try ReplyXMLElement.parse(xml).child("Content")?.text == content)
    }
}
