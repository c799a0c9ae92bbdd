import Foundation
import Testing
@testable import WeChatSandbox

@Suite("per-minute quotas (45011)")
struct MinuteQuotaTests {
    typealias H = SandboxHarness
    static let slower = "api minute-quota reach limit, must slower, retry next minute"
    /// 2026-01-01 15:00:00 UTC, a minute boundary.
    static let minuteStart = Date(timeIntervalSince1970: 1_767_279_600)

    func stable(_ h: H, appID: String = H.oa, secret: String = H.oaSecret) async throws -> HTTPResult {
        try await h.postJSON("/cgi-bin/stable_token", #"{"grant_type":"client_credential","appid":"\#(appID)","secret":"\#(secret)"}"#)
    }

    @Test func stableTokenCallsPerAppPerMinute() async throws {
        try await H.with({ $0.limits.stableTokenMinuteQuota = 2 }, frozenClock: true) { h in
            await h.sandbox.clock.set(to: Self.minuteStart)
            #expect(try await stable(h).string("access_token") != nil)
            await h.advance(59)
            #expect(try await stable(h).string("access_token") != nil)
            expectError(try await stable(h), 45011, Self.slower)
            // Credentials are checked first; other apps have their own count.
            expectError(try await stable(h, secret: "bad"), 40125, "invalid appsecret")
            #expect(try await stable(h, appID: H.test, secret: H.testSecret).string("access_token") != nil)
            await h.advance(1)
            #expect(try await stable(h).string("access_token") != nil)
        }
    }

    @Test func codeExchangeIsRefusedWithoutUsingTheCode() async throws {
        try await H.with({ $0.limits.snsMinuteQuota = 1 }, frozenClock: true) { h in
            await h.sandbox.clock.set(to: Self.minuteStart)
            #expect(try await h.exchange(try await h.code()).string("access_token") != nil)
            let code = try await h.code()
            expectError(try await h.exchange(code), 45011, Self.slower)
            await h.advance(60)
            #expect(try await h.exchange(code).string("access_token") != nil)
        }
    }

    @Test func eachSnsEndpointCountsOnItsOwn() async throws {
        try await H.with({ $0.limits.snsMinuteQuota = 1 }, frozenClock: true) { h in
            await h.sandbox.clock.set(to: Self.minuteStart)
            let (access, refresh, openID) = try await h.grant()
            let auth = "/sns/auth?access_token=\(access)&openid=\(openID)"
            let info = "/sns/userinfo?access_token=\(access)&openid=\(openID)"
            let renew = "/sns/oauth2/refresh_token?appid=\(H.oa)&grant_type=refresh_token&refresh_token=\(refresh)"
            #expect(try await h.get(auth).errcode == 0)
            expectError(try await h.get(auth), 45011, Self.slower)
            #expect(try await h.get(info).string("openid") == openID)
            expectError(try await h.get(info), 45011, Self.slower)
            #expect(try await h.get(renew).string("access_token") == access)
            expectError(try await h.get(renew), 45011, Self.slower)
            // Another app's calls are counted apart from the official account's.
            let other = try await h.exchange(try await h.code(appID: H.test), appID: H.test, secret: H.testSecret)
            #expect(other.string("access_token") != nil)
            await h.advance(60)
            #expect(try await h.get(auth).errcode == 0)
        }
    }

    @Test func defaultsAndWorldFileKeys() throws {
        let limits = SandboxConfiguration.Limits()
        #expect(limits.snsMinuteQuota == 50_000 && limits.stableTokenMinuteQuota == 10_000)
        let decoded = try JSONDecoder().decode(
            SandboxConfiguration.Limits.self, from: Data(#"{"snsMinuteQuota":5,"stableTokenMinuteQuota":7}"#.utf8))
        #expect(decoded.snsMinuteQuota == 5 && decoded.stableTokenMinuteQuota == 7 && decoded.tokenDailyQuota == 2000)
    }
}
