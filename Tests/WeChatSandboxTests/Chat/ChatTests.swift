import Foundation
import Testing
import Vapor
@testable import WeChatSandbox

/// A developer server whose answer the test computes from each push (query and body); it records every push.
func scriptedDeveloperServer(
    _ received: ReceivedPushes, answer: @escaping @Sendable ([String: String], String) -> (HTTPResponseStatus, String)
) -> (Application) -> Void {
    { app in
        app.on(.POST, "devserver", body: .collect(maxSize: 65536)) { req async -> Response in
            var query: [String: String] = [:]
            for item in URLComponents(string: "http://x/?" + (req.url.query ?? ""))?.queryItems ?? [] {
                query[item.name] = item.value ?? ""
            }
            let body = req.body.string ?? ""
            await received.add(.init(query: query, body: body))
            let (status, text) = answer(query, body)
            return Response(status: status, body: .init(string: text))
        }
    }
}

@Suite("the phone's chat: text messages, click menu buttons and passive replies")
struct ChatTests {
    typealias H = SandboxHarness
    static let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"

    static func textReply(_ content: String) -> String {
        "<xml><ToUserName><![CDATA[o]]></ToUserName><FromUserName><![CDATA[gh_5a1c9e0b3d7f]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[\(content)]]></Content></xml>"
    }

    /// A safe-mode reply envelope of `inner`, signed with the sandbox's Token.
    static func encryptedReply(_ inner: String) -> String {
        let encrypt = (try? PushCrypto.encrypt(inner, appID: H.oa, encodingAESKey: key, random: Array(repeating: 65, count: 16))) ?? ""
        let signature = PushCrypto.msgSignature(token: "sandboxtoken", timestamp: "1700000000", nonce: "n1", encrypt: encrypt)
        return "<xml><Encrypt><![CDATA[\(encrypt)]]></Encrypt><MsgSignature><![CDATA[\(signature)]]></MsgSignature><TimeStamp>1700000000</TimeStamp><Nonce><![CDATA[n1]]></Nonce></xml>"
    }

    static func decrypt(_ push: ReceivedPushes.Push) throws -> String {
        let encrypt = try #require(push.body.range(of: #"(?<=<Encrypt><!\[CDATA\[)[^\]]+"#, options: .regularExpression).map { String(push.body[$0]) })
        return try PushCrypto.decrypt(encrypt, appID: H.oa, encodingAESKey: key)
    }

    func pointServer(_ h: H, _ app: String = H.oa, extra: String = "") async throws {
        let patched = try await h.request(.PATCH, "/sandbox/api/apps/\(app)", body: #"{"serverURL":"\#(h.base)/devserver"\#(extra)}"#,
                                          contentType: "application/json")
        #expect(patched.status == 200, "\(patched.body)")
    }

    @Test func aTextMessageGetsTheEncryptedPassiveReplyShownInTheChat() async throws {
        let received = ReceivedPushes()
        let server = scriptedDeveloperServer(received) { _, _ in (.ok, Self.encryptedReply(Self.textReply("您好，已收到 <1>"))) }
        try await H.with(routes: server) { h in
            try await pointServer(h)
            let sent = try await h.postJSON("/sandbox/api/users/u1/chat/\(H.oa)", #"{"text":"你好 & hi"}"#)
            #expect(sent.status == 200 && sent.string("delivery") == "acknowledged" && sent.int("attempts") == 1)
            #expect(sent.string("msgType") == "text" && sent.string("content") == "你好 & hi")
            let reply = try #require(sent.json["reply"] as? [String: Any])
            #expect(reply["msgType"] as? String == "text" && reply["content"] as? String == "您好，已收到 <1>")
            let push = try #require(await received.all.first)
            #expect(push.query["encrypt_type"] == "aes" && push.query["openid"] == h.openID("u1"))
            let inner = try Self.decrypt(push)
            let msgID = try #require(sent.json["msgid"] as? Int64)
            #expect(inner.contains("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[你好 & hi]]></Content><MsgId>\(msgID)</MsgId>"))
            #expect(inner.contains("<FromUserName><![CDATA[\(h.openID("u1"))]]></FromUserName>"))
            let chat = try await h.get("/sandbox/api/users/u1/chat/\(H.oa)").body
            #expect(chat.contains(#""from":"user""#) && chat.contains(#""from":"account""#) && chat.contains("您好，已收到 <1>"))
            let page = try await h.get("/sandbox/phone/u1/chat/\(H.oa)").body
            #expect(page.contains("你好 &amp; hi") && page.contains("您好，已收到 &lt;1&gt;") && page.contains("发送 Send"))
        }
    }

    @Test func clickButtonsPushClickAndSuccessShowsNoReply() async throws {
        let received = ReceivedPushes()
        try await H.with(routes: scriptedDeveloperServer(received) { _, _ in (.ok, "success") }) { h in
            try await pointServer(h, extra: #","encryptionMode":"plaintext","menu":[{"name":"今日","type":"click","key":"V1001_TODAY"},{"name":"官网","url":"https://example.com/"}]"#)
            let app = try await h.get("/sandbox/api/apps/\(H.oa)").body
            #expect(app.contains(#"{"key":"V1001_TODAY","name":"今日","type":"click"}"#) && app.contains(#"{"name":"官网","type":"view","url":"https://example.com/"}"#))
            let page = try await h.get("/sandbox/phone/u1/chat/\(H.oa)").body
            #expect(page.contains(#"name="key" value="V1001_TODAY""#) && page.contains("官网"))
            let clicked = try await h.postJSON("/sandbox/api/users/u1/chat/\(H.oa)", #"{"click":"V1001_TODAY"}"#)
            #expect(clicked.string("event") == "CLICK" && clicked.string("eventKey") == "V1001_TODAY")
            #expect(clicked.string("delivery") == "acknowledged" && clicked.json["reply"] == nil)
            let push = try #require(await received.all.first)
            #expect(push.body.contains("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[V1001_TODAY]]></EventKey>"))
            let pressed = try await h.postForm("/sandbox/phone/u1/chat/\(H.oa)/click", "key=V1001_TODAY")
            #expect(pressed.status == 302 && pressed.location == "/sandbox/phone/u1/chat/\(H.oa)")
            #expect(await received.all.count == 2)
            let chat = try await h.get("/sandbox/api/users/u1/chat/\(H.oa)").body
            #expect(chat.contains("[菜单 Menu] 今日") && !chat.contains(#""from":"account""#))
        }
    }

    @Test func refusedActionsPushNothing() async throws {
        try await H.with { h in
            _ = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)", body: #"{"menu":[{"name":"a","type":"click","key":"K"}]}"#, contentType: "application/json")
            #expect(try await h.postJSON("/sandbox/api/users/u3/chat/\(H.oa)", #"{"text":"hi"}"#).status == 403)
            #expect(try await h.postJSON("/sandbox/api/users/u1/chat/\(H.oa)", #"{"text":""}"#).status == 400)
            #expect(try await h.postJSON("/sandbox/api/users/u1/chat/\(H.oa)", #"{"text":"\#(String(repeating: "字", count: 2049))"}"#).status == 400)
            #expect(try await h.postJSON("/sandbox/api/users/u1/chat/\(H.oa)", #"{"text":"a","click":"K"}"#).status == 400)
            #expect(try await h.postJSON("/sandbox/api/users/u1/chat/\(H.oa)", #"{"click":"NOPE"}"#).status == 400)
            #expect(try await h.postJSON("/sandbox/api/users/u1/chat/\(H.web)", #"{"text":"hi"}"#).status == 403)
            #expect(try await h.postJSON("/sandbox/api/users/nobody/chat/\(H.oa)", #"{"text":"hi"}"#).status == 404)
            #expect(try await h.postForm("/sandbox/phone/u3/chat/\(H.oa)/send", "text=hi").body.contains("关注后才能发消息"))
            #expect(try await h.pushLog().isEmpty)
            let noServer = try await h.postJSON("/sandbox/api/users/u1/chat/\(H.oa)", #"{"click":"K"}"#)
            #expect(noServer.status == 200 && noServer.string("delivery") == "no-server-url")
        }
    }

    @Test func menusKeepTheOldShapeAndValidateBothTypes() async throws {
        let data = Data(#"{"apps":[{"appID":"wx0000000000000001","secret":"s","kind":"officialAccount","name":"A","menu":[{"name":"m","url":"https://a.test/"},{"name":"c","type":"click","key":"K1"}]}]}"#.utf8)
        let configuration = try JSONDecoder().decode(SandboxConfiguration.self, from: data)
        #expect(configuration.apps.first?.menu == [.init(name: "m", url: "https://a.test/"), .init(name: "c", key: "K1")])
        try await H.with { h in
            for bad in [#"[{"name":"c","type":"click"}]"#, #"[{"name":"c","type":"click","key":""}]"#,
                        #"[{"name":"c","type":"click","key":"\#(String(repeating: "k", count: 129))"}]"#,
                        #"[{"name":"v","type":"view"}]"#, #"[{"name":"v","type":"media_id","key":"x"}]"#] {
                let patched = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)", body: #"{"menu":\#(bad)}"#, contentType: "application/json")
                #expect(patched.status == 400, "\(bad)")
            }
            let ok = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)", body: #"{"menu":[{"name":"c","type":"click","key":"\#(String(repeating: "k", count: 128))"}]}"#, contentType: "application/json")
            #expect(ok.status == 200)
        }
    }

    @Test func newsAndImageRepliesAreShownAsWhatTheyAre() async throws {
        let news = "<xml><ToUserName><![CDATA[o]]></ToUserName><FromUserName><![CDATA[g]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item><Title><![CDATA[新品]]></Title><Description><![CDATA[d]]></Description><PicUrl><![CDATA[https://example.com/p.png]]></PicUrl><Url><![CDATA[https://example.com/a]]></Url></item></Articles></xml>"
        let image = "<xml><ToUserName><![CDATA[o]]></ToUserName><FromUserName><![CDATA[g]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[image]]></MsgType><Image><MediaId><![CDATA[MEDIA1]]></MediaId></Image></xml>"
        let received = ReceivedPushes()
        try await H.with(routes: scriptedDeveloperServer(received) { _, body in (.ok, body.contains("[news]") ? news : image) }) { h in
            try await pointServer(h, extra: #","encryptionMode":"plaintext""#)
            let first = try await h.postJSON("/sandbox/api/users/u1/chat/\(H.oa)", #"{"text":"[news]"}"#)
            let reply = try #require(first.json["reply"] as? [String: Any])
            #expect(reply["msgType"] as? String == "news" && ((reply["articles"] as? [[String: Any]])?.first?["url"] as? String) == "https://example.com/a")
            let second = try await h.postJSON("/sandbox/api/users/u1/chat/\(H.oa)", #"{"text":"photo"}"#)
            #expect((second.json["reply"] as? [String: Any])?["mediaId"] as? String == "MEDIA1")
            let page = try await h.get("/sandbox/phone/u1/chat/\(H.oa)").body
            #expect(page.contains("[图文 News] 新品") && page.contains(#"href="https://example.com/a""#) && page.contains("[图片 Image] MEDIA1"))
        }
    }

    @Test func aFailingServerIsRetriedWithTheSameMsgIdAndTheChatShowsWeChatsNotice() async throws {
        let received = ReceivedPushes()
        try await H.with(routes: scriptedDeveloperServer(received) { _, _ in (.internalServerError, "") }) { h in
            try await pointServer(h, extra: #","encryptionMode":"plaintext""#)
            let sent = try await h.postForm("/sandbox/phone/u1/chat/\(H.oa)/send", "text=%E4%BD%A0%E5%A5%BD")
            #expect(sent.status == 302)
            let first = try #require(try await h.pushLog().first)
            #expect(first["attempts"] as? Int ?? 0 >= 1)
            var log: [[String: Any]] = []
            for _ in 0..<200 {
                log = try await h.pushLog()
                if log.first?["delivery"] as? String == "failed" { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(log.first?["delivery"] as? String == "failed" && log.first?["attempts"] as? Int == 4)
            let bodies = await received.all.map(\.body)
            #expect(bodies.count == 4 && Set(bodies).count == 1 && bodies.first?.contains("<Content><![CDATA[你好]]></Content>") == true)
            let page = try await h.get("/sandbox/phone/u1/chat/\(H.oa)").body
            #expect(page.contains("该公众号暂时无法提供服务，请稍后再试"))
        }
    }
}
