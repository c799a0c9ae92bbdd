import Foundation
import Testing
@testable import WeChatSandbox

@Suite("control API")
struct ControlAPITests {
    typealias H = SandboxHarness

    @Test func appsListAndPatch() async throws {
        try await H.with { h in
            let list = try await h.get("/sandbox/api/apps")
            #expect(list.body.contains(H.oaSecret) && list.body.contains("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"))
            let patched = try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)",
                body: #"{"webAuthDomain":"login.example.com","serverURL":"http://127.0.0.1:1/wechat","encryptionMode":"compatible"}"#,
                contentType: "application/json")
            #expect(patched.string("webAuthDomain") == "login.example.com")
            #expect(patched.string("encryptionMode") == "compatible")
            #expect(try await h.get(H.authorizePath(redirect: "https://login.example.com/cb"), user: "u1").status == 302)
            #expect(try await h.get(H.authorizePath(), user: "u1").body.contains("错误码：10003"))
            #expect(try await h.get("/sandbox/api/apps/wxnope").status == 404)
            #expect(try await h.request(.PATCH, "/sandbox/api/apps/\(H.oa)", body: "junk", contentType: "application/json").status == 400)
        }
    }

    @Test func usersCreateFollowAndPushRecords() async throws {
        try await H.with { h in
            let created = try await h.postJSON("/sandbox/api/users", #"{"id":"u9","nickname":"赵六"}"#)
            #expect(created.status == 201)
            let openID = try #require((created.json["openids"] as? [String: String])?[H.oa])
            #expect(openID.range(of: "^o[A-Za-z0-9_-]{27}$", options: .regularExpression) != nil)
            #expect(try await h.postJSON("/sandbox/api/users", #"{"id":"u9"}"#).status == 409)
            let token = try await h.serverToken()
            #expect(try await h.get("/cgi-bin/user/info?access_token=\(token)&openid=\(openID)").int("subscribe") == 0)
            _ = try await h.postJSON("/sandbox/api/users/u9/follow", #"{"appid":"\#(H.oa)"}"#)
            #expect(try await h.get("/cgi-bin/user/info?access_token=\(token)&openid=\(openID)").int("subscribe") == 1)
            _ = try await h.postJSON("/sandbox/api/users/u9/unfollow", #"{"appid":"\#(H.oa)"}"#)
            let pushes = try await h.get("/sandbox/api/pushes").body
            #expect(pushes.contains(#""event":"subscribe""#) && pushes.contains(#""event":"unsubscribe""#))
            #expect(pushes.contains(#""delivery":"no-server-url""#))
            #expect(try await h.get("/sandbox/api/users").body.contains("赵六"))
        }
    }

    @Test func clockAndCounters() async throws {
        try await H.with { h in
            let before = try #require(try await h.get("/sandbox/api/clock").json["now"] as? Double)
            let after = try #require(try await h.postJSON("/sandbox/api/clock/advance", #"{"seconds":3600}"#).json["now"] as? Double)
            #expect(after - before >= 3600 && after - before < 3700)
            _ = try await h.serverToken()
            _ = try await h.serverToken()
            #expect(try await h.get("/sandbox/api/counters").int("/cgi-bin/token") == 2)
            _ = try await h.request(.DELETE, "/sandbox/api/counters")
            #expect(try await h.get("/sandbox/api/counters").body == "{}")
        }
    }

    @Test func faultErrcodeForNextCalls() async throws {
        try await H.with { h in
            let added = try await h.postJSON("/sandbox/api/faults", #"{"path":"/cgi-bin/token","errcode":-1,"count":2}"#)
            #expect(added.status == 201)
            let path = "/cgi-bin/token?grant_type=client_credential&appid=\(H.oa)&secret=\(H.oaSecret)"
            expectError(try await h.get(path), -1, "system error")
            expectError(try await h.get(path), -1, "system error")
            #expect(try await h.get(path).string("access_token") != nil)
        }
    }

    @Test func faultHTTPStatusMalformedAndClear() async throws {
        try await H.with { h in
            _ = try await h.postJSON("/sandbox/api/faults", #"{"path":"/sns/auth","httpStatus":503,"count":1}"#)
            #expect(try await h.get("/sns/auth?access_token=a&openid=b").status == 503)
            _ = try await h.postJSON("/sandbox/api/faults", #"{"path":"/sns/auth","malformedJSON":true}"#)
            let malformed = try await h.get("/sns/auth?access_token=a&openid=b")
            #expect(malformed.status == 200 && malformed.json.isEmpty && malformed.body.hasPrefix("{"))
            _ = try await h.request(.DELETE, "/sandbox/api/faults")
            #expect(try await h.get("/sns/auth?access_token=a&openid=b").errcode == 40001)
            _ = try await h.postJSON("/sandbox/api/faults", #"{"path":"/sns/auth","errcode":45009,"rate":0}"#)
            #expect(try await h.get("/sns/auth?access_token=a&openid=b").errcode == 40001)
            #expect(try await h.postJSON("/sandbox/api/faults", #"{"path":"/sns/auth","rate":2}"#).status == 400)
        }
    }

    @Test func pageFaultShowsWeChatErrorPage() async throws {
        try await H.with { h in
            _ = try await h.postJSON("/sandbox/api/faults", #"{"path":"/connect/oauth2/authorize","errcode":10009,"count":1}"#)
            let limited = try await h.get(H.authorizePath(), user: "u1")
            #expect(limited.body.contains("错误码：10009") && limited.body.contains("操作太频繁了"))
            #expect(try await h.get(H.authorizePath(), user: "u1").status == 302)
        }
    }

    @Test func faultDropClosesConnection() async throws {
        try await H.with { h in
            _ = try await h.postJSON("/sandbox/api/faults", #"{"path":"/cgi-bin/token","drop":true,"count":1}"#)
            await #expect(throws: (any Error).self) {
                _ = try await h.get("/cgi-bin/token?grant_type=client_credential&appid=\(H.oa)&secret=\(H.oaSecret)")
            }
            #expect(try await h.serverToken().isEmpty == false)
        }
    }

    @Test func faultDelayStillAnswers() async throws {
        try await H.with { h in
            _ = try await h.postJSON("/sandbox/api/faults", #"{"path":"/cgi-bin/token","delayMilliseconds":50,"count":1}"#)
            #expect(try await h.serverToken().isEmpty == false)
            #expect(try await h.get("/sandbox/api/faults").body == "[]")
        }
    }

    @Test func resetRestoresTheWorld() async throws {
        try await H.with { h in
            _ = try await h.postJSON("/sandbox/api/users", #"{"id":"u9"}"#)
            _ = try await h.postJSON("/sandbox/api/users/u1/unfollow", #"{"appid":"\#(H.oa)"}"#)
            _ = try await h.postJSON("/sandbox/api/faults", #"{"path":"/sns/auth","errcode":-1}"#)
            _ = try await h.postJSON("/sandbox/api/reset", "{}")
            #expect(try await h.get("/sandbox/api/users/u9").status == 404)
            #expect(try await h.get("/sandbox/api/users/u1").body.contains(H.oa))
            #expect(try await h.get("/sandbox/api/faults").body == "[]")
        }
    }
}
