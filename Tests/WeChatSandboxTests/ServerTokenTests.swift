import Foundation
import Testing
@testable import WeChatSandbox

@Suite("cgi-bin/token and stable_token")
struct ServerTokenTests {
    static let invalidCredential = "invalid credential, access_token is invalid or not latest"

    func userInfo(_ h: SandboxHarness, _ token: String) async throws -> HTTPResult {
        try await h.get("/cgi-bin/user/info?access_token=\(token)&openid=\(h.openID("u1"))")
    }

    static let rows: [(String, Int, String)] = [
        ("appid=A&secret=S", 40002, "invalid grant_type"),
        ("grant_type=authorization_code&appid=A&secret=S", 40002, "invalid grant_type"),
        ("grant_type=client_credential&secret=S", 41002, "appid missing"),
        ("secret=S", 41002, "appid missing"),
        ("grant_type=client_credential&appid=A", 41004, "appsecret missing"),
        ("grant_type=client_credential&appid=wx0000000000000000&secret=S", 40013, "invalid appid"),
        ("grant_type=client_credential&appid=\(SandboxHarness.oa)&secret=bad", 40125, "invalid appsecret"),
    ]

    @Test(arguments: rows)
    func errorTable(query: String, code: Int, message: String) async throws {
        try await SandboxHarness.with { h in
            let result = try await h.get("/cgi-bin/token?" + query)
            expectError(result, code, message)
            #expect(result.headers.first(name: "content-type") == "application/json; encoding=utf-8")
        }
    }

    @Test func successShape() async throws {
        try await SandboxHarness.with { h in
            let result = try await h.get("/cgi-bin/token?grant_type=client_credential&appid=\(SandboxHarness.oa)&secret=\(SandboxHarness.oaSecret)")
            #expect(result.int("expires_in") == 7200)
            #expect(result.json.count == 2)
            expectError(try await h.request(.POST, "/cgi-bin/token"), 43001, "require GET method")
        }
    }

    @Test func eachFetchSupersedesWithFiveMinuteOverlap() async throws {
        try await SandboxHarness.with(frozenClock: true) { h in
            let first = try await h.serverToken()
            let second = try await h.serverToken()
            #expect(first != second)
            await h.advance(299)
            #expect(try await userInfo(h, first).int("subscribe") == 1)
            await h.advance(2)
            expectError(try await userInfo(h, first), 40001, Self.invalidCredential)
            #expect(try await userInfo(h, second).int("subscribe") == 1)
            await h.advance(7200)
            expectError(try await userInfo(h, second), 42001, "access_token expired")
        }
    }

    @Test func dailyQuotaResetsAtShanghaiMidnight() async throws {
        try await SandboxHarness.with({ $0.limits.tokenDailyQuota = 3 }) { h in
            // 2026-01-01 15:00 UTC = 23:00 in Shanghai.
            await h.sandbox.clock.set(to: Date(timeIntervalSince1970: 1_767_279_600))
            for _ in 0..<3 { _ = try await h.serverToken() }
            expectError(try await h.get("/cgi-bin/token?grant_type=client_credential&appid=\(SandboxHarness.oa)&secret=\(SandboxHarness.oaSecret)"),
                        45009, "reach max api daily quota limit")
            await h.advance(3601)
            _ = try await h.serverToken()
        }
    }

    @Test func testAccountQuotaIs200() async throws {
        try await SandboxHarness.with({ $0.limits.testAccountTokenDailyQuota = 1 }) { h in
            _ = try await h.serverToken(appID: SandboxHarness.test, secret: SandboxHarness.testSecret)
            expectError(try await h.get("/cgi-bin/token?grant_type=client_credential&appid=\(SandboxHarness.test)&secret=\(SandboxHarness.testSecret)"),
                        45009, "reach max api daily quota limit")
            _ = try await h.serverToken()
        }
        #expect(SandboxConfiguration.Limits().testAccountTokenDailyQuota == 200)
    }

    func stable(_ h: SandboxHarness, force: Bool? = nil) async throws -> HTTPResult {
        let forceJSON = force.map { #","force_refresh":\#($0)"# } ?? ""
        return try await h.postJSON("/cgi-bin/stable_token", #"{"grant_type":"client_credential","appid":"\#(SandboxHarness.oa)","secret":"\#(SandboxHarness.oaSecret)"\#(forceJSON)}"#)
    }

    @Test func stableTokenIsReusedUntilLastFiveMinutes() async throws {
        try await SandboxHarness.with(frozenClock: true) { h in
            let first = try await stable(h)
            let token = try #require(first.string("access_token"))
            await h.advance(6800)
            let same = try await stable(h)
            #expect(same.string("access_token") == token)
            #expect(same.int("expires_in") == 400)
            await h.advance(200)
            let renewed = try await stable(h)
            #expect(renewed.string("access_token") != token)
            #expect(renewed.int("expires_in") == 7200)
            #expect(try await userInfo(h, token).int("subscribe") == 1)
            await h.advance(201)
            expectError(try await userInfo(h, token), 42001, "access_token expired")
        }
    }

    @Test func stableAndOrdinaryAreIsolated() async throws {
        try await SandboxHarness.with { h in
            let stableToken = try #require(try await stable(h).string("access_token"))
            _ = try await h.serverToken()
            _ = try await h.serverToken()
            await h.advance(400)
            #expect(try await userInfo(h, stableToken).int("subscribe") == 1)
            #expect(try await stable(h).string("access_token") == stableToken)
        }
    }

    @Test func forceRefreshRules() async throws {
        try await SandboxHarness.with({ $0.limits.stableForceDailyQuota = 2 }) { h in
            let token = try #require(try await stable(h).string("access_token"))
            let forced = try #require(try await stable(h, force: true).string("access_token"))
            #expect(forced != token)
            expectError(try await userInfo(h, token), 40001, Self.invalidCredential)
            await h.advance(10)
            #expect(try await stable(h, force: true).string("access_token") == forced)
            await h.advance(30)
            let again = try #require(try await stable(h, force: true).string("access_token"))
            #expect(again != forced)
            await h.advance(30)
            expectError(try await stable(h, force: true), 45009, "reach max api daily quota limit")
        }
    }

    static let stableRows: [(String?, Int, String)] = [
        (nil, 44002, "empty post data"),
        ("<xml></xml>", 47001, "data format error"),
        ("[1,2]", 47001, "data format error"),
        (#"{"appid":"A","secret":"S"}"#, 40002, "invalid grant_type"),
        (#"{"grant_type":"client_credential","secret":"S"}"#, 41002, "appid missing"),
        (#"{"grant_type":"client_credential","appid":"A"}"#, 41004, "appsecret missing"),
        (#"{"grant_type":"client_credential","appid":"wx0000000000000000","secret":"S"}"#, 40013, "invalid appid"),
        (#"{"grant_type":"client_credential","appid":"\#(SandboxHarness.oa)","secret":"S"}"#, 40125, "invalid appsecret"),
        (#"{"grant_type":"client_credential","appid":"\#(SandboxHarness.oa)","secret":"\#(SandboxHarness.oaSecret)","force_refresh":"yes"}"#, 47001, "data format error"),
    ]

    @Test(arguments: stableRows)
    func stableErrors(body: String?, code: Int, message: String) async throws {
        try await SandboxHarness.with { h in
            expectError(try await h.request(.POST, "/cgi-bin/stable_token", body: body, contentType: "application/json"), code, message)
        }
    }

    @Test func stableRequiresPost() async throws {
        try await SandboxHarness.with { h in
            expectError(try await h.get("/cgi-bin/stable_token"), 43002, "require POST method")
        }
    }
}
