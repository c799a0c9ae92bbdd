import Foundation
import Testing
@testable import WeChatSandbox

@Suite("sns refresh_token, auth, userinfo")
struct SnsRefreshAndUserInfoTests {
    func refresh(_ h: SandboxHarness, _ token: String, appID: String = SandboxHarness.oa) async throws -> HTTPResult {
        try await h.get("/sns/oauth2/refresh_token?appid=\(appID)&grant_type=refresh_token&refresh_token=\(token)")
    }

    @Test func refreshBeforeExpiryKeepsTokenAndRenewsExpiry() async throws {
        try await SandboxHarness.with { h in
            let (access, refreshToken, openID) = try await h.grant()
            await h.advance(7000)
            let result = try await refresh(h, refreshToken)
            #expect(result.string("access_token") == access)
            #expect(result.string("refresh_token") == refreshToken)
            #expect(result.int("expires_in") == 7200)
            #expect(result.string("openid") == openID)
            await h.advance(7000)
            #expect(try await h.get("/sns/auth?access_token=\(access)&openid=\(openID)").errcode == 0)
        }
    }

    @Test func refreshAfterExpiryIssuesNewToken() async throws {
        try await SandboxHarness.with { h in
            let (access, refreshToken, openID) = try await h.grant()
            await h.advance(7201)
            expectError(try await h.get("/sns/auth?access_token=\(access)&openid=\(openID)"), 42001, "access_token expired")
            let result = try await refresh(h, refreshToken)
            let fresh = try #require(result.string("access_token"))
            #expect(fresh != access)
            #expect(result.string("refresh_token") == refreshToken)
            #expect(try await h.get("/sns/auth?access_token=\(fresh)&openid=\(openID)").body == #"{"errcode":0,"errmsg":"ok"}"#)
        }
    }

    @Test func refreshTokenLivesThirtyDaysWithoutExtension() async throws {
        try await SandboxHarness.with { h in
            let (_, refreshToken, _) = try await h.grant()
            await h.advance(29 * 86400)
            #expect(try await refresh(h, refreshToken).string("access_token") != nil)
            await h.advance(86400)
            expectError(try await refresh(h, refreshToken), 42002, "refresh_token expired")
        }
    }

    static let refreshRows: [(String, Int, String)] = [
        ("grant_type=refresh_token&refresh_token=R", 41002, "appid missing"),
        ("appid=\(SandboxHarness.oa)&grant_type=refresh_token", 41003, "refresh_token missing"),
        ("appid=\(SandboxHarness.oa)&grant_type=authorization_code&refresh_token=R", 40002, "invalid grant_type"),
        ("appid=wx0000000000000000&grant_type=refresh_token&refresh_token=R", 40013, "invalid appid"),
        ("appid=\(SandboxHarness.oa)&grant_type=refresh_token&refresh_token=R", 40030, "invalid refresh_token"),
    ]

    @Test(arguments: refreshRows)
    func refreshErrors(query: String, code: Int, message: String) async throws {
        try await SandboxHarness.with { h in
            expectError(try await h.get("/sns/oauth2/refresh_token?" + query), code, message)
        }
    }

    @Test func refreshTokenOfAnotherApp() async throws {
        try await SandboxHarness.with { h in
            let (_, refreshToken, _) = try await h.grant()
            expectError(try await refresh(h, refreshToken, appID: SandboxHarness.test), 40030, "invalid refresh_token")
        }
    }

    @Test func snsAuthTable() async throws {
        try await SandboxHarness.with { h in
            let (access, _, openID) = try await h.grant()
            expectError(try await h.get("/sns/auth?openid=\(openID)"), 41001, "access_token missing")
            expectError(try await h.get("/sns/auth?access_token=\(access)"), 41009, "missing openid")
            expectError(try await h.get("/sns/auth?access_token=\(access)&openid=\(h.openID("u2"))"), 40003, "invalid openid")
            expectError(try await h.get("/sns/auth?access_token=junk&openid=\(openID)"), 40001,
                        "invalid credential, access_token is invalid or not latest")
            #expect(try await h.get("/sns/auth?access_token=\(access)&openid=\(openID)").errcode == 0)
        }
    }

    @Test func userinfoShape() async throws {
        try await SandboxHarness.with { h in
            let (access, _, openID) = try await h.grant(user: "u2")
            let info = try await h.get("/sns/userinfo?access_token=\(access)&openid=\(openID)&lang=zh_CN")
            #expect(info.string("nickname") == "李四")
            #expect(info.int("sex") == 0)
            #expect(info.string("province") == "" && info.string("city") == "" && info.string("country") == "")
            #expect(info.json["privilege"] as? [String] == ["chinaunicom"])
            #expect(info.string("headimgurl")?.hasSuffix("/sandbox/avatar/u2.svg") == true)
            #expect(info.string("unionid") == (await h.sandbox.unionID(userID: "u2", appID: SandboxHarness.oa)))
            #expect(info.json["errcode"] == nil)
        }
    }

    @Test func userinfoErrors() async throws {
        try await SandboxHarness.with { h in
            let (base, _, openID) = try await h.grant(scope: "snsapi_base")
            expectError(try await h.get("/sns/userinfo?access_token=\(base)&openid=\(openID)"), 48001, "api unauthorized")
            let (access, _, _) = try await h.grant()
            expectError(try await h.get("/sns/userinfo?access_token=\(access)&openid=\(h.openID("u3"))"), 40003, "invalid openid")
            expectError(try await h.get("/sns/userinfo?openid=x"), 41001, "access_token missing")
            expectError(try await h.get("/sns/userinfo?access_token=x"), 41009, "missing openid")
            await h.advance(7200)
            expectError(try await h.get("/sns/userinfo?access_token=\(access)&openid=\(openID)"), 42001, "access_token expired")
        }
    }
}
