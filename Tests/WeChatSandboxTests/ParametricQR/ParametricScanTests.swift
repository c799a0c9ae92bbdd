import Foundation
import Testing
import Vapor
@testable import WeChatSandbox

@Suite("scanning parametric QR codes: the phone page, the control API and the pushes")
struct ParametricScanTests {
    typealias H = SandboxHarness

    @Test func aNewFollowerFollowsFromThePhonePageAndAFollowerOpensTheChat() async throws {
        try await H.with { h in
            let token = try await h.serverToken()
            let (ticket, url) = try await h.temporaryQR(token: token, scene: 42)
            let path = H.scanPath(url)
            let page = try await h.get(path, user: "u3")
            #expect(page.status == 200 && page.body.contains("沙盒服务号") && page.body.contains("关注 Follow"))
            #expect(!page.body.contains("Open chat"))
            let pressed = try await h.postForm(path, "action=accept", user: "u3")
            #expect(pressed.status == 302 && pressed.location == "/sandbox/phone/u3/chat/\(H.oa)")
            #expect(try await h.get("/sandbox/api/users/u3").body.contains(#""following":["\#(H.oa)"]"#))
            let follower = try await h.get(path, user: "u1")
            #expect(follower.body.contains("进入公众号 Open chat") && !follower.body.contains("关注 Follow"))
            #expect(try await h.postForm(path, "action=accept", user: "u1").status == 302)
            let log = try await h.pushLog()
            #expect(log.count == 2)
            #expect(log.first?["event"] as? String == "subscribe" && log.first?["eventKey"] as? String == "qrscene_42")
            #expect(log.first?["openid"] as? String == h.openID("u3") && log.first?["ticket"] as? String == ticket)
            #expect(log.last?["event"] as? String == "SCAN" && log.last?["eventKey"] as? String == "42")
            #expect(log.last?["openid"] as? String == h.openID("u1") && log.last?["ticket"] as? String == ticket)
        }
    }

    @Test func cancelPushesNothingAndWithoutAUserThePickerComesFirst() async throws {
        try await H.with { h in
            let token = try await h.serverToken()
            let (_, url) = try await h.temporaryQR(token: token)
            let path = H.scanPath(url)
            let picker = try await h.get(path)
            #expect(picker.status == 302 && picker.location.hasPrefix("/sandbox/whoami?return="))
            let cancelled = try await h.postForm(path, "action=cancel", user: "u3")
            #expect(cancelled.status == 302 && cancelled.location == "/sandbox/phone/u3")
            #expect(try await h.pushLog().isEmpty)
            #expect(!(try await h.get("/sandbox/api/users/u3").body.contains(H.oa + #""]"#)))
            #expect(try await h.get("/sandbox/q/nosuchcode", user: "u3").status == 404)
        }
    }

    @Test func anExpiredCodeSaysSoAndPushesNothing() async throws {
        try await H.with(frozenClock: true) { h in
            let token = try await h.serverToken()
            let (ticket, url) = try await h.temporaryQR(token: token, seconds: 60)
            await h.advance(60)
            let page = try await h.get(H.scanPath(url), user: "u3")
            #expect(page.body.contains("二维码已过期") && !page.body.contains("关注 Follow"))
            #expect(try await h.postForm(H.scanPath(url), "action=accept", user: "u3").body.contains("二维码已过期"))
            let control = try await h.postJSON("/sandbox/api/qrcodes/\(ticket)/scan", #"{"user":"u1"}"#)
            #expect(control.status == 410)
            #expect(try await h.pushLog().isEmpty)
        }
    }

    @Test func theControlAPIScansListsAndExpires() async throws {
        try await H.with { h in
            let token = try await h.serverToken()
            let created = try await h.createQR(token: token, #"{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"shop-7"}}}"#)
            let ticket = try #require(created.string("ticket"))
            let declined = try await h.postJSON("/sandbox/api/qrcodes/\(ticket)/scan", #"{"user":"u3","follow":false}"#)
            #expect(declined.status == 200 && declined.string("result") == "declined" && declined.json["push"] == nil)
            let subscribed = try await h.postJSON("/sandbox/api/qrcodes/\(ticket)/scan", #"{"user":"u3","follow":true}"#)
            let push = try #require(subscribed.json["push"] as? [String: Any])
            #expect(subscribed.string("result") == "subscribed" && push["eventKey"] as? String == "qrscene_shop-7")
            #expect(push["delivery"] as? String == "no-server-url")
            let scanned = try await h.postJSON("/sandbox/api/qrcodes/\(ticket)/scan", #"{"user":"u3"}"#)
            #expect(scanned.string("result") == "scanned" && (scanned.json["push"] as? [String: Any])?["eventKey"] as? String == "shop-7")
            #expect(try await h.postJSON("/sandbox/api/qrcodes/\(ticket)/scan", #"{"user":"nobody"}"#).status == 404)
            #expect(try await h.postJSON("/sandbox/api/qrcodes/gQnope/scan", #"{"user":"u1"}"#).status == 404)
            let listed = try await h.get("/sandbox/api/qrcodes").body
            #expect(listed.contains(#""scene_str":"shop-7""#) && listed.contains(#""permanent":true"#) && listed.contains(#""scans":2"#))
            let expired = try await h.postJSON("/sandbox/api/qrcodes/\(ticket)/expire", "")
            #expect(expired.status == 200 && expired.json["expired"] as? Bool == true)
            #expect(try await h.postJSON("/sandbox/api/qrcodes/\(ticket)/scan", #"{"user":"u1"}"#).status == 410)
            #expect(try await h.bytes("/cgi-bin/showqrcode?ticket=\(ticket)").status == 404)
            #expect(try await h.postJSON("/sandbox/api/qrcodes/gQnope/expire", "").status == 404)
            #expect(try await h.pushLog().count == 2)
        }
    }

    @Test func pushedXMLCarriesSceneAndTicketEncryptedInSafeMode() async throws {
        let received = ReceivedPushes()
        try await H.with(routes: PushDeliveryTests.developerServer(received, answer: "success")) { h in
            _ = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)", body: #"{"serverURL":"\#(h.base)/devserver"}"#,
                                    contentType: "application/json")
            let token = try await h.serverToken()
            let created = try await h.createQR(token: token, #"{"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"login:Zx9"}}}"#)
            let ticket = try #require(created.string("ticket"))
            _ = try await h.postJSON("/sandbox/api/qrcodes/\(ticket)/scan", #"{"user":"u3"}"#)
            _ = try await h.postJSON("/sandbox/api/qrcodes/\(ticket)/scan", #"{"user":"u1"}"#)
            var pushes: [ReceivedPushes.Push] = []
            for _ in 0..<200 {
                pushes = await received.all
                if pushes.count >= 2 { break }
                try await Task.sleep(for: .milliseconds(25))
            }
            try #require(pushes.count == 2)
            var inners: [String: String] = [:]
            for push in pushes {
                #expect(push.query["encrypt_type"] == "aes" && !push.body.contains("login:Zx9"))
                let encrypt = try #require(push.body.range(of: #"(?<=<Encrypt><!\[CDATA\[)[^\]]+"#, options: .regularExpression).map { String(push.body[$0]) })
                let q = push.query
                #expect(q["msg_signature"] == PushCrypto.msgSignature(token: "sandboxtoken", timestamp: q["timestamp"] ?? "", nonce: q["nonce"] ?? "", encrypt: encrypt))
                inners[q["openid"] ?? ""] = try PushCrypto.decrypt(encrypt, appID: H.oa, encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
            }
            let subscribe = try #require(inners[h.openID("u3")])
            #expect(subscribe.contains("<Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[qrscene_login:Zx9]]></EventKey><Ticket><![CDATA[\(ticket)]]></Ticket>"))
            #expect(subscribe.contains("<FromUserName><![CDATA[\(h.openID("u3"))]]></FromUserName>"))
            let scan = try #require(inners[h.openID("u1")])
            #expect(scan.contains("<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[login:Zx9]]></EventKey><Ticket><![CDATA[\(ticket)]]></Ticket>"))
        }
    }

    @Test func concurrentScansOfANewFollowerPushOneSubscribe() async throws {
        try await H.with { h in
            let token = try await h.serverToken()
            let (ticket, _) = try await h.temporaryQR(token: token, scene: 9)
            let results = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await h.postJSON("/sandbox/api/qrcodes/\(ticket)/scan", #"{"user":"u3"}"#).string("result") ?? "" }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == "subscribed" }.count == 1 && results.filter { $0 == "scanned" }.count == 19)
            let events = try await h.pushLog().compactMap { $0["event"] as? String }
            #expect(events.filter { $0 == "subscribe" }.count == 1 && events.count == 20)
            let tickets = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await h.createQR(token: token, #"{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":77}}}"#).string("ticket") ?? ""
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(tickets.count == 1 && tickets.first?.hasPrefix("gQ") == true)
        }
    }
}
