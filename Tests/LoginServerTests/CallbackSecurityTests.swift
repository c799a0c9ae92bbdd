import Fluent
import Foundation
import Testing
import WeChatKit
@testable import LoginServer

/// Every way a callback can be wrong, repeated or refused — each ends on its own page with nothing half-written.
@Suite(.serialized) struct CallbackSecurityTests {
    @Test func aRepeatedCallbackSignsInWithTheFirstResult() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let pending = try await browser.startPCLogin()
            try await browser.confirmOnPhone(pending, user: "u1")
            let callbackURL = browser.callbackURL(pending, code: try await browser.pollForCode(pending))
            let first = try await browser.get(callbackURL)
            #expect(first.location == "/bind")
            let second = try await browser.get(callbackURL)
            #expect(second.location == "/bind", "a refresh of the callback page is not an error")
            #expect(try await world.calls("/sns/oauth2/access_token") == 1, "the code is exchanged once")
            #expect(try await world.count(WeChatIdentity.self) == 1)
        }
    }

    @Test func wechatsDoubleCallbackWithTwoCodesExchangesOnce() async throws {
        try await LoginWorld.with { world in
            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            phone.actAsWeChatUser("u1")
            let login = try await phone.get("\(LoginWorld.serverBase)/login?return_to=/account")
            let authorizeURL = try #require(login.location)
            // WeChat (on Android) calls back twice: the same state, two different codes.
            let firstCode = try #require(try await phone.get(authorizeURL).location)
            let secondCode = try #require(try await phone.get(authorizeURL).location)
            #expect(Browser.query(firstCode, "code") != Browser.query(secondCode, "code"))
            let cookie = phone.serverCookieHeader
            async let a = world.serverGET(firstCode, cookie: cookie, userAgent: Browser.weChatUserAgent)
            async let b = world.serverGET(secondCode, cookie: cookie, userAgent: Browser.weChatUserAgent)
            let results = try await [a, b]
            for result in results { #expect(result.location == "/bind", "both callbacks end on the same result") }
            #expect(try await world.calls("/sns/oauth2/access_token") == 1)
            #expect(try await world.count(WeChatIdentity.self) == 1)
            let state = try #require(try await OAuthStateRecord.query(on: world.server.db).first())
            #expect(state.completedAt != nil)
        }
    }

    @Test func deniedConsentEndsOnItsOwnPage() async throws {
        try await LoginWorld.with { world in
            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            let toCallback = try await phone.startWeChatLogin(as: "u3", consent: "deny")
            let location = try #require(toCallback.location)
            #expect(Browser.query(location, "code") == nil)
            let page = try await phone.get(location)
            #expect(page.status == 200)
            #expect(page.body.contains("你取消了微信授权"))
            #expect(try await world.count(WeChatIdentity.self) == 0)
            #expect(try await world.calls("/sns/oauth2/access_token") == 0)
        }
    }

    @Test func aForgedStateIsRefused() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            for query in ["code=abc&state=\(OAuthState.random().rawValue)", "code=abc", "code=abc&state=<script>",
                          "code=abc&state=" + String(repeating: "a", count: 200)] {
                let page = try await browser.get("\(LoginWorld.serverBase)/auth/wechat/callback?\(query)")
                #expect(page.status == 400, "\(query)")
                #expect(page.body.contains("登录链接无效"))
                #expect(!page.body.contains("<script>"))
            }
            #expect(try await world.calls("/sns/oauth2/access_token") == 0)
        }
    }

    @Test func anExpiredStateIsRefused() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let pending = try await browser.startPCLogin()
            try await browser.confirmOnPhone(pending, user: "u1")
            let code = try await browser.pollForCode(pending)
            world.clock.advance(by: 11 * 60)
            let page = try await browser.get(browser.callbackURL(pending, code: code))
            #expect(page.status == 410)
            #expect(page.body.contains("登录已过期"))
            #expect(try await world.count(WeChatIdentity.self) == 0)
        }
    }

    @Test func aStateFromAnotherBrowserIsRefused() async throws {
        try await LoginWorld.with { world in
            let victim = world.browser()
            let pending = try await victim.startPCLogin()
            try await victim.confirmOnPhone(pending, user: "u1")
            let code = try await victim.pollForCode(pending)
            // Login CSRF: the attacker's completed callback link opened in another browser.
            let attacker = world.browser()
            let page = try await attacker.get(attacker.callbackURL(pending, code: code))
            #expect(page.status == 403)
            #expect(try await world.count(WeChatIdentity.self) == 0)
            // The right browser can still finish.
            let finish = try await victim.get(victim.callbackURL(pending, code: code))
            #expect(finish.location == "/bind")
            // A replay of the completed callback from elsewhere signs nobody in.
            let replay = try await attacker.get(attacker.callbackURL(pending, code: code))
            #expect(replay.status == 403)
            #expect(try await attacker.get("\(LoginWorld.serverBase)/api/me").status == 401)
        }
    }

    @Test(arguments: ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)",
                      "%2F%2Fevil.example", "/ok\r\nLocation: https://evil.example"])
    func openRedirectAttemptsLandOnTheHomePage(_ returnTo: String) async throws {
        try await LoginWorld.with { world in
            let first = world.browser()
            _ = try await first.pcLogin(as: "u2")
            _ = try await first.bind(contact: "bob@example.com")
            let browser = world.browser()
            let callback = try await browser.pcLogin(as: "u2", returnTo: returnTo)
            #expect(callback.location == "/")
        }
    }

    @Test(arguments: [
        #"{"path":"/sns/oauth2/access_token","errcode":-1,"count":1}"#,
        #"{"path":"/sns/oauth2/access_token","malformedJSON":true,"count":1}"#,
        #"{"path":"/sns/oauth2/access_token","httpStatus":502,"count":1}"#,
        #"{"path":"/sns/oauth2/access_token","drop":true,"count":1}"#,
        #"{"path":"/sns/oauth2/access_token","delayMilliseconds":3000,"count":1}"#,
        #"{"path":"/sns/userinfo","errcode":-1,"count":5}"#,
        #"{"path":"/sns/oauth2/access_token","errcode":40029,"count":1}"#,
    ])
    func weChatFaultsEndOnAClearPageWithNothingWritten(_ fault: String) async throws {
        try await LoginWorld.with(adjust: { $0.weChatHTTP.totalTimeout = .seconds(1) }) { world in
            let browser = world.browser()
            let pending = try await browser.startPCLogin()
            try await browser.confirmOnPhone(pending, user: "u1")
            let callbackURL = browser.callbackURL(pending, code: try await browser.pollForCode(pending))
            try await world.control(.POST, "faults", json: fault)
            let page = try await browser.get(callbackURL)
            #expect(page.status == 502, "\(fault)")
            #expect(page.body.contains("微信登录失败"))
            #expect(try await world.count(WeChatIdentity.self) == 0)
            #expect(try await world.count(User.self) == 0)
            let state = try #require(try await OAuthStateRecord.query(on: world.server.db).first())
            #expect(state.completedAt == nil && state.claimToken == nil, "the claim is given back")
        }
    }

    @Test func snapshotUsersAreAskedToUseTheFullService() async throws {
        try await LoginWorld.with { world in
            try await world.control(.POST, "users", json: #"{"id":"snap","nickname":"快照","isSnapshotUser":true}"#)
            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            let callback = try await phone.weChatLogin(as: "snap")
            #expect(callback.body.contains("使用完整服务"))
            #expect(try await world.count(WeChatIdentity.self) == 0)
        }
    }
}
