import Foundation
import Testing
import WeChatKit
@testable import LoginServer

/// The relay's pure steps from fixtures: the forwarded request is what WeChat sends (the spec's vector C, byte for
/// byte), and the handler's answer is judged as WeChat would judge it.
struct RelayRequestTests {
    static let now = Date(timeIntervalSince1970: 1_409_304_348)

    /// Vector C as the account received it, in `mode`.
    static func vectorPush(_ mode: MessageServer.Configuration.Mode) throws -> MessageServerPush {
        let server = try MessageServer(configuration: try WeChatEventsTests.vectorServer(mode))
        let request = mode == .plaintext
            ? try MessageServerRequest(method: .post, queryString: WeChatEventsTests.vectorQuery,
                                       body: Data(WeChatEventsTests.vectorXML.utf8))
            : try MessageServerRequest(
                method: .post,
                queryString: WeChatEventsTests.vectorQuery + "&encrypt_type=aes&msg_signature=374855fbb139c5077209c09e52eb5babb199aee5",
                body: Data("<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Encrypt><![CDATA[\(WeChatEventsTests.vectorEncrypt)]]></Encrypt></xml>".utf8))
        guard case .push(let push) = try server.handle(request, now: now) else { throw MessageServerError.replayedNonce }
        return push
    }

    @Test(arguments: [MessageServer.Configuration.Mode.plaintext, .safe])
    func aSafeModeHandlerGetsWeChatsOwnVectorBytes(_ accountMode: MessageServer.Configuration.Mode) throws {
        let push = try Self.vectorPush(accountMode)
        #expect(String(decoding: push.rawMessage, as: UTF8.self) == WeChatEventsTests.vectorXML)
        let request = try RelayRequest.make(push, handlerURL: "https://bot.example.com/wechat?x=1",
                                            handler: try WeChatEventsTests.vectorServer(.safe),
                                            random: Array("aaaabbbbccccdddd".utf8))
        #expect(request.url == "https://bot.example.com/wechat?x=1&" + WeChatEventsTests.vectorQuery
                + "&encrypt_type=aes&msg_signature=374855fbb139c5077209c09e52eb5babb199aee5")
        #expect(String(decoding: request.body, as: UTF8.self)
                == "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Encrypt><![CDATA[\(WeChatEventsTests.vectorEncrypt)]]></Encrypt></xml>")
    }

    @Test func aPlaintextHandlerGetsTheOriginalXMLAndACompatibleOneTheFieldsToo() throws {
        let push = try Self.vectorPush(.safe)
        let plain = try RelayRequest.make(push, handlerURL: "https://bot.example.com/wechat",
                                          handler: try WeChatEventsTests.vectorServer(.plaintext))
        #expect(plain.url == "https://bot.example.com/wechat?" + WeChatEventsTests.vectorQuery)
        #expect(plain.body == Data(WeChatEventsTests.vectorXML.utf8))
        let compatible = try RelayRequest.make(push, handlerURL: "https://bot.example.com/wechat",
                                               handler: try WeChatEventsTests.vectorServer(.compatible),
                                               random: Array("aaaabbbbccccdddd".utf8))
        let body = String(decoding: compatible.body, as: UTF8.self)
        #expect(body.hasPrefix(String(WeChatEventsTests.vectorXML.dropLast("</xml>".count))))
        #expect(body.hasSuffix("<Encrypt><![CDATA[\(WeChatEventsTests.vectorEncrypt)]]></Encrypt></xml>"))
    }

    static let handler = MessageServer.Configuration(token: "handlertoken", appID: "wxb11529c136998cb6", mode: .safe,
                                                     encodingAESKey: try! EncodingAESKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"))
    static let reply = "<xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_1]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>"

    @Test func theHandlersAnswerIsJudgedAsWeChatWould() throws {
        func judge(_ body: String, status: Int = 200, handler: MessageServer.Configuration = Self.handler) -> RelayReply {
            RelayReply.judge(status: status, body: Data(body.utf8), handler: handler, maxBytes: 1024)
        }
        #expect(judge("success") == .acknowledged)
        #expect(judge(" \n") == .acknowledged)
        let sealed = try MessageCrypto(token: "handlertoken", appID: Self.handler.appID, key: try #require(Self.handler.encodingAESKey))
            .encrypt(Self.reply, timestamp: "1409304348", nonce: "n1")
        #expect(judge(sealed.xml) == .reply(Self.reply), "decrypted with the handler's key")
        let forged = sealed.xml.replacingOccurrences(of: sealed.msgSignature, with: String(repeating: "0", count: 40))
        guard case .refused = judge(forged) else { Issue.record("a forged signature was accepted"); return }
        guard case .refused = judge(Self.reply) else { Issue.record("a plaintext reply in safe mode was accepted"); return }
        var plain = Self.handler
        plain.mode = .plaintext
        #expect(judge(Self.reply, handler: plain) == .reply(Self.reply))
        for (body, status) in [(Self.reply, 302), (Self.reply, 500), ("{\"json\":1}", 200), ("<xml><a>1</a></xml>", 200),
                               (String(repeating: "x", count: 2000), 200)] {
            guard case .refused = judge(body, status: status, handler: plain) else {
                Issue.record("accepted \(status) \(body.prefix(20))")
                continue
            }
        }
    }
}
