import Foundation
import Testing
@testable import WeChatSandbox

@Suite("sns/oauth2/access_token")
struct SnsAccessTokenTests {
    @Test func baseScopeSuccessShape() async throws {
        try await SandboxHarness.with { h in
            let result = try await h.exchange(try await h.code(scope: "snsapi_base"))
            #expect(result.headers.first(name: "content-type") == "text/plain")
            #expect(result.json["errcode"] == nil)
            #expect(result.int("expires_in") == 7200)
            #expect(result.string("scope") == "snsapi_base")
            #expect(result.string("openid") == h.openID("u1"))
            #expect(result.json["unionid"] == nil)
            #expect(result.json["is_snapshotuser"] == nil)
            let token = try #require(result.string("access_token"))
            #expect(token.range(of: #"^[0-9]{2}_[A-Za-z0-9_-]{107}$"#, options: .regularExpression) != nil)
        }
    }

    @Test func userinfoScopeCarriesUnionIDSharedWithWebsite() async throws {
        try await SandboxHarness.with { h in
            let result = try await h.exchange(try await h.code(scope: "snsapi_userinfo"))
            #expect(result.string("scope") == "snsapi_userinfo")
            let union = try #require(result.string("unionid"))
            #expect(union == (await h.sandbox.unionID(userID: "u1", appID: SandboxHarness.web)))
            #expect(h.openID("u1") != h.openID("u1", SandboxHarness.web))
        }
    }

    @Test func snapshotUserIsFlagged() async throws {
        try await SandboxHarness.with({ $0.users.append(.init(id: "snap", nickname: "快照", isSnapshotUser: true)) }) { h in
            let result = try await h.exchange(try await h.code(user: "snap", scope: "snsapi_userinfo"))
            #expect(result.int("is_snapshotuser") == 1)
        }
    }

    static let rows: [(String, Int, String)] = [
        ("secret=S&code=C&grant_type=authorization_code", 41002, "appid missing"),
        ("appid=A&code=C&grant_type=authorization_code", 41004, "appsecret missing"),
        ("appid=A&secret=S&grant_type=authorization_code", 41008, "missing code"),
        ("appid=A&secret=S&code=C&grant_type=client_credential", 40002, "invalid grant_type"),
        ("appid=A&secret=S&code=C", 40002, "invalid grant_type"),
        ("appid=wx0000000000000000&secret=S&code=C&grant_type=authorization_code", 40013, "invalid appid"),
        ("appid=\(SandboxHarness.oa)&secret=wrong&code=C&grant_type=authorization_code", 40125, "invalid appsecret"),
        ("appid=\(SandboxHarness.oa)&secret=\(SandboxHarness.oaSecret)&code=nope&grant_type=authorization_code", 40029, "invalid code"),
    ]

    @Test(arguments: rows)
    func errorTable(query: String, code: Int, message: String) async throws {
        try await SandboxHarness.with { h in
            expectError(try await h.get("/sns/oauth2/access_token?" + query), code, message)
        }
    }

    @Test func codeIsSingleUse() async throws {
        try await SandboxHarness.with { h in
            let code = try await h.code()
            #expect(try await h.exchange(code).string("access_token") != nil)
            expectError(try await h.exchange(code), 40163, "code been used")
        }
    }

    @Test func codeIsBoundToItsApp() async throws {
        try await SandboxHarness.with { h in
            let code = try await h.code()
            expectError(try await h.exchange(code, appID: SandboxHarness.test, secret: SandboxHarness.testSecret), 40029, "invalid code")
        }
    }

    @Test func staleCodeDefaultsTo40029() async throws {
        try await SandboxHarness.with { h in
            let code = try await h.code()
            await h.advance(301)
            expectError(try await h.exchange(code), 40029, "invalid code")
        }
    }

    @Test func staleCodeCanAnswer42003() async throws {
        try await SandboxHarness.with({ $0.choices.staleCode = .codeExpired }, frozenClock: true) { h in
            let code = try await h.code()
            await h.advance(299)
            let fresh = try await h.code()
            #expect(try await h.exchange(fresh).string("access_token") != nil)
            await h.advance(2)
            expectError(try await h.exchange(code), 42003, "code expired")
        }
    }

    @Test func websiteCodeLivesTenMinutes() async throws {
        try await SandboxHarness.with(frozenClock: true) { h in
            let page = try await h.get("/connect/qrconnect?appid=\(SandboxHarness.web)&redirect_uri=\(SandboxHarness.enc("http://localhost/cb"))&response_type=code&scope=snsapi_login&state=s")
            let uuid = try #require(QRFlowTests.uuid(in: page.body))
            let confirmed = try await h.request(.POST, "/sandbox/api/qr/\(uuid)/confirm", body: #"{"user":"u2"}"#)
            let code = try #require(confirmed.string("wx_code"))
            await h.advance(599)
            let result = try await h.exchange(code, appID: SandboxHarness.web, secret: SandboxHarness.webSecret)
            #expect(result.string("scope") == "snsapi_login")
            #expect(result.string("openid") == h.openID("u2", SandboxHarness.web))
            #expect(result.string("unionid") == (await h.sandbox.unionID(userID: "u2", appID: SandboxHarness.oa)))
        }
    }

    @Test func postIsRefused() async throws {
        try await SandboxHarness.with { h in
            expectError(try await h.request(.POST, "/sns/oauth2/access_token?appid=A"), 43001, "require GET method")
        }
    }
}
