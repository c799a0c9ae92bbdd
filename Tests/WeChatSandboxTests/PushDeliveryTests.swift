import Foundation
import Testing
import Vapor
@testable import WeChatSandbox

/// Records what the fake developer server received.
actor ReceivedPushes {
    struct Push: Sendable {
        let query: [String: String]
        let body: String
    }

    var all: [Push] = []

    func add(_ push: Push) {
        all.append(push)
    }
}

@Suite("push delivery to the app's server URL")
struct PushDeliveryTests {
    typealias H = SandboxHarness

    /// Polls the control API until `count` pushes are no longer pending (background delivery), bounded.
    func settledPushes(_ h: H, count: Int) async throws -> String {
        for _ in 0..<200 {
            let body = try await h.get("/sandbox/api/pushes").body
            if body.components(separatedBy: #""delivery":"acknowledged""#).count - 1 >= count { return body }
            try await Task.sleep(for: .milliseconds(25))
        }
        return try await h.get("/sandbox/api/pushes").body
    }

    static func developerServer(_ received: ReceivedPushes, answer: String) -> (Application) -> Void {
        { app in
            app.on(.POST, "devserver", body: .collect(maxSize: 65536)) { req async -> Response in
                var query: [String: String] = [:]
                for item in URLComponents(string: "http://x/?" + (req.url.query ?? ""))?.queryItems ?? [] {
                    query[item.name] = item.value ?? ""
                }
                await received.add(.init(query: query, body: req.body.string ?? ""))
                return Response(status: .ok, body: .init(string: answer))
            }
        }
    }

    @Test func safeModeSubscribeAndTemplateFinishAreSignedAndEncrypted() async throws {
        let received = ReceivedPushes()
        try await H.with(routes: Self.developerServer(received, answer: "success")) { h in
            _ = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)", body: #"{"serverURL":"\#(h.base)/devserver"}"#,
                                    contentType: "application/json")
            _ = try await h.postJSON("/sandbox/api/users/u3/follow", #"{"appid":"\#(H.oa)"}"#)
            let token = try await h.serverToken()
            #expect(try await h.sendTemplate(token: token, H.templateBody(to: h.openID("u3"))).errcode == 0)
            let log = try await settledPushes(h, count: 2)
            #expect(log.contains(#""event":"subscribe""#) && log.contains(#""event":"TEMPLATESENDJOBFINISH""#))
            let pushes = await received.all
            #expect(pushes.count == 2)
            let key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
            var events: [String] = []
            for push in pushes {
                let q = push.query
                #expect(q["signature"] == PushCrypto.signature(token: "sandboxtoken", timestamp: q["timestamp"] ?? "", nonce: q["nonce"] ?? ""))
                #expect(q["encrypt_type"] == "aes" && q["openid"] == h.openID("u3"))
                let encrypt = try #require(push.body.range(of: #"(?<=<Encrypt><!\[CDATA\[)[^\]]+"#, options: .regularExpression).map { String(push.body[$0]) })
                #expect(q["msg_signature"] == PushCrypto.msgSignature(token: "sandboxtoken", timestamp: q["timestamp"] ?? "", nonce: q["nonce"] ?? "", encrypt: encrypt))
                let inner = try PushCrypto.decrypt(encrypt, appID: H.oa, encodingAESKey: key)
                #expect(inner.contains("<ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName>"))
                events.append(inner)
            }
            #expect(events.contains { $0.contains("<Event><![CDATA[subscribe]]></Event>") })
            #expect(events.contains { $0.contains("TEMPLATESENDJOBFINISH") && $0.contains("<Status><![CDATA[success]]></Status>") })
        }
    }

    @Test func plaintextTestAccountPushAndInvalidAnswerIsRetried() async throws {
        let received = ReceivedPushes()
        try await H.with(routes: Self.developerServer(received, answer: "<html>oops</html>")) { h in
            _ = try await h.request(.PATCH, "/sandbox/api/apps/\(H.test)", body: #"{"serverURL":"\#(h.base)/devserver"}"#,
                                    contentType: "application/json")
            _ = try await h.postJSON("/sandbox/api/users/u3/follow", #"{"appid":"\#(H.test)"}"#)
            var log = ""
            for _ in 0..<200 {
                log = try await h.get("/sandbox/api/pushes").body
                if log.contains(#""delivery":"failed""#) { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            #expect(log.contains(#""delivery":"failed""#) && log.contains(#""attempts":4"#))
            let pushes = await received.all
            #expect(pushes.count == 4)
            #expect(pushes.first?.body.contains("<Event><![CDATA[subscribe]]></Event>") == true)
            #expect(pushes.first?.query["encrypt_type"] == nil)
        }
    }

    @Test func phoneFollowButtonPushesAndShowsState() async throws {
        try await H.with { h in
            let phone = try await h.get("/sandbox/phone/u3")
            #expect(phone.body.contains("关注「沙盒服务号」"))
            let followed = try await h.postForm("/sandbox/phone/u3/follow", "appid=\(H.oa)&follow=true")
            #expect(followed.status == 302)
            #expect(try await h.get("/sandbox/phone/u3").body.contains("取消关注「沙盒服务号」"))
            let log = try await h.get("/sandbox/api/pushes")
            #expect(log.body.contains(#""event":"subscribe""#) && log.body.contains(#""delivery":"no-server-url""#))
        }
    }
}
