import Foundation
import Testing
@testable import WeChatSandbox

@Suite("cgi-bin/user/info and template/send")
struct FollowerAndTemplateTests {
    @Test func followerAndNonFollowerShapes() async throws {
        try await SandboxHarness.with { h in
            let token = try await h.serverToken()
            let follower = try await h.get("/cgi-bin/user/info?access_token=\(token)&openid=\(h.openID("u1"))&lang=zh_CN")
            #expect(follower.int("subscribe") == 1)
            #expect(follower.string("unionid") == (await h.sandbox.unionID(userID: "u1", appID: SandboxHarness.oa)))
            #expect(follower.string("nickname") == "" && follower.int("sex") == 0)
            #expect(follower.int("subscribe_time") != nil)
            let other = try await h.get("/cgi-bin/user/info?access_token=\(token)&openid=\(h.openID("u3"))")
            #expect(other.int("subscribe") == 0)
            #expect(other.json["unionid"] == nil)
            #expect(other.string("openid") == h.openID("u3"))
        }
    }

    @Test func userInfoErrors() async throws {
        try await SandboxHarness.with { h in
            let token = try await h.serverToken()
            expectError(try await h.get("/cgi-bin/user/info?openid=x"), 41001, "access_token missing")
            expectError(try await h.get("/cgi-bin/user/info?access_token=\(token)"), 41009, "missing openid")
            expectError(try await h.get("/cgi-bin/user/info?access_token=\(token)&openid=\(h.openID("u1", SandboxHarness.web))"),
                        40003, "invalid openid")
            expectError(try await h.get("/cgi-bin/user/info?access_token=bogus&openid=x"), 40001,
                        "invalid credential, access_token is invalid or not latest")
        }
    }

    @Test func sendDeliversToThePhoneAndReturnsLargeMsgID() async throws {
        try await SandboxHarness.with { h in
            let token = try await h.serverToken()
            let result = try await h.sendTemplate(token: token, SandboxHarness.templateBody(to: h.openID("u1")))
            #expect(result.errcode == 0 && result.errmsg == "ok")
            let msgid = try #require(result.body.range(of: #""msgid":([0-9]+)"#, options: .regularExpression))
            let digits = result.body[msgid].dropFirst(8)
            let value = try #require(Int64(digits))
            #expect(value > (1 << 53))
            let inbox = try await h.get("/sandbox/api/users/u1/messages")
            #expect(inbox.body.contains("订单号：A123"))
            let phone = try await h.get("/sandbox/phone/u1")
            #expect(phone.body.contains("订单号：A123"))
            let pushes = try await h.get("/sandbox/api/pushes")
            #expect(pushes.body.contains("TEMPLATESENDJOBFINISH"))
            #expect(pushes.body.contains(#""status":"success""#))
        }
    }

    @Test func refusingUserGetsUserBlockStatus() async throws {
        try await SandboxHarness.with { h in
            let token = try await h.serverToken()
            #expect(try await h.sendTemplate(token: token, SandboxHarness.templateBody(to: h.openID("u2"))).errcode == 0)
            #expect(try await h.get("/sandbox/api/pushes").body.contains(#""status":"failed:user block""#))
            #expect(try await h.get("/sandbox/api/users/u2/messages").body == "[]")
        }
    }

    @Test func clientMsgIDDeduplicatesForTenMinutes() async throws {
        try await SandboxHarness.with { h in
            let token = try await h.serverToken()
            let body = SandboxHarness.templateBody(to: h.openID("u1"), clientMsgID: "MSG_1")
            let first = try await h.sendTemplate(token: token, body)
            let second = try await h.sendTemplate(token: token, body)
            #expect(first.body == second.body)
            #expect(first.body.hasPrefix(#"{"errcode":0,"errmsg":"ok","msgid":"#))
            await h.advance(601)
            let token2 = try await h.serverToken()
            let third = try await h.sendTemplate(token: token2, body)
            #expect(third.errcode == 0 && third.body != first.body)
        }
    }

    static let rows: [(String?, Int, String)] = [
        (nil, 44002, "empty post data"),
        ("not json", 47001, "data format error"),
        (#"{"template_id":"x","data":{}}"#, 40003, "invalid openid"),
        (#"{"touser":"oNOPE","template_id":"x","data":{}}"#, 40003, "invalid openid"),
        (#"{"touser":"@u1","template_id":"nope","data":{}}"#, 40037, "invalid template_id"),
        (#"{"touser":"@u1","template_id":"\#(SandboxHarness.orderTemplate)"}"#, 47003, "argument invalid!"),
        (#"{"touser":"@u1","template_id":"\#(SandboxHarness.orderTemplate)","data":{"first":"x"}}"#, 47003, "argument invalid! data.first.value invalid"),
        (#"{"touser":"@u1","template_id":"\#(SandboxHarness.categoryTemplate)","data":{"thing1":{"value":"一二三四五六七八九十一二三四五六七八九十一"}}}"#, 47003, "argument invalid! data.thing1.value invalid"),
        (#"{"touser":"@u1","template_id":"\#(SandboxHarness.categoryTemplate)","data":{"character_string2":{"value":"订单"}}}"#, 47003, "argument invalid! data.character_string2.value invalid"),
        (#"{"touser":"@u3","template_id":"\#(SandboxHarness.orderTemplate)","data":{}}"#, 43004, "require subscribe"),
    ]

    @Test(arguments: rows)
    func sendErrors(body: String?, code: Int, message: String) async throws {
        try await SandboxHarness.with { h in
            let token = try await h.serverToken()
            let resolved = body?.replacingOccurrences(of: "@u1", with: h.openID("u1")).replacingOccurrences(of: "@u3", with: h.openID("u3"))
            let result = try await h.request(.POST, "/cgi-bin/message/template/send?access_token=\(token)", body: resolved,
                                             contentType: "application/json")
            expectError(result, code, message)
        }
    }

    @Test func blockedAndTokenAndQuotaErrors() async throws {
        try await SandboxHarness.with({ $0.limits.templateDailyQuota = 1 }) { h in
            let token = try await h.serverToken()
            let body = SandboxHarness.templateBody(to: h.openID("u1"))
            expectError(try await h.sendTemplate(token: "", body), 41001, "access_token missing")
            expectError(try await h.sendTemplate(token: "bad", body), 40001, "invalid credential, access_token is invalid or not latest")
            expectError(try await h.get("/cgi-bin/message/template/send?access_token=\(token)"), 43002, "require POST method")
            #expect(try await h.sendTemplate(token: token, body).errcode == 0)
            expectError(try await h.sendTemplate(token: token, body), 45009, "reach max api daily quota limit")
            _ = try await h.postJSON("/sandbox/api/users/u1/flags", #"{"appid":"\#(SandboxHarness.oa)","blocked":true}"#)
            expectError(try await h.sendTemplate(token: token, body), 43019, "require remove blacklist")
        }
    }
}
