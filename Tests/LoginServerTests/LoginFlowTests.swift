import Fluent
import Foundation
import Testing
import WeChatSandbox
@testable import LoginServer

/// Both WeChat logins end to end against the sandbox, with binding and the account page.
@Suite(.serialized) struct LoginFlowTests {
    @Test func pcQRLoginBindsANewUserByPhone() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let callback = try await browser.pcLogin(as: "u1")
            #expect(callback.location == "/bind", "a new identity must bind first")

            let bound = try await browser.bind(contact: "13800138000")
            #expect(bound.location == "/account")
            let account = try await browser.open("\(LoginWorld.serverBase)/account")
            #expect(account.status == 200)
            #expect(account.body.contains("张三"))
            #expect(account.body.contains("13800138000"))

            let me = try await browser.get("\(LoginWorld.serverBase)/api/me")
            #expect(me.status == 200)
            let identities = try #require(me.json["identities"] as? [[String: Any]])
            #expect(identities.count == 1)
            #expect(identities.first?["appKind"] as? String == "website")
            #expect(identities.first?["unionID"] as? String != nil)
            #expect(try await world.count(User.self) == 1)
        }
    }

    @Test func unionIDJoinsTheInWeChatIdentityToTheSameUser() async throws {
        try await LoginWorld.with { world in
            let pc = world.browser()
            _ = try await pc.pcLogin(as: "u1")
            _ = try await pc.bind(contact: "alice@example.com")

            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            let callback = try await phone.weChatLogin(as: "u1")
            #expect(callback.location == "/account", "the same person through the other app signs straight in")
            let me = try await phone.get("\(LoginWorld.serverBase)/api/me")
            let identities = try #require(me.json["identities"] as? [[String: Any]])
            #expect(Set(identities.compactMap { $0["appKind"] as? String }) == ["website", "officialAccount"])
            #expect(try await world.count(User.self) == 1)
        }
    }

    @Test func silentBaseScopeLoginHasNoProfileAndBindsToAnExistingAccount() async throws {
        try await LoginWorld.with { world in
            let pc = world.browser()
            _ = try await pc.pcLogin(as: "u1")
            _ = try await pc.bind(contact: "13800138000")

            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            let toCallback = try await phone.startWeChatLogin(as: "u1", scope: "snsapi_base")
            #expect(toCallback.location?.contains("code=") == true)
            let callback = try await phone.get(try #require(toCallback.location))
            #expect(callback.location == "/bind", "snsapi_base carries no unionid, so no automatic join")
            #expect(try await world.calls("/sns/userinfo") == 1, "userinfo only for the PC login")

            let bound = try await phone.bind(contact: "+86 138 0013 8000")
            #expect(bound.location == "/account")
            #expect(try await world.count(User.self) == 1, "the existing account was linked, not a new one")
            let identities = try await WeChatIdentity.query(on: world.server.db).all()
            #expect(identities.count == 2)
            #expect(identities.first { $0.appKind == "officialAccount" }?.nickname == nil)
            #expect(identities.first { $0.appKind == "officialAccount" }?.scopes == "snsapi_base")
        }
    }

    @Test func aReturningBoundUserSignsInDirectly() async throws {
        try await LoginWorld.with { world in
            let first = world.browser()
            _ = try await first.pcLogin(as: "u2")
            _ = try await first.bind(contact: "bob@example.com")

            let later = world.browser()
            let callback = try await later.pcLogin(as: "u2", returnTo: "/account?tab=identities")
            #expect(callback.location == "/account?tab=identities")
            #expect(try await later.get("\(LoginWorld.serverBase)/api/me").status == 200)
        }
    }

    @Test func sessionCookieIsHttpOnlyLaxAndRotatedOnSignIn() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let callback = try await browser.pcLogin(as: "u1")
            let pendingCookie = try #require(Browser.setCookieLine(callback, named: "wl_session"))
            #expect(pendingCookie.contains("HttpOnly"))
            #expect(pendingCookie.lowercased().contains("samesite=lax"))
            #expect(!pendingCookie.contains("Secure"), "http public URL: not Secure")
            let bound = try await browser.bind(contact: "13900139000")
            let signedIn = try #require(Browser.setCookieLine(bound, named: "wl_session"))
            #expect(signedIn.split(separator: ";")[0] != pendingCookie.split(separator: ";")[0],
                    "signing in issues a new session id")
        }
    }

    @Test func signOutEndsTheSession() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            _ = try await browser.bind(contact: "13800138000")
            let account = try await browser.get("\(LoginWorld.serverBase)/account")
            let csrf = try #require(account.input("csrf"))
            let out = try await browser.post("\(LoginWorld.serverBase)/logout", form: [("csrf", csrf)])
            #expect(out.location == "/")
            #expect(try await browser.get("\(LoginWorld.serverBase)/api/me").status == 401)
            let again = try await browser.get("\(LoginWorld.serverBase)/account")
            #expect(again.location?.hasPrefix("/login") == true)
        }
    }

    @Test func clientWeChatAsksForTheInWeChatFlowOnlyInSandboxMode() async throws {
        try await LoginWorld.with { world in
            let login = try await world.browser().get("\(LoginWorld.serverBase)/login?return_to=/account&client=wechat")
            #expect(login.location?.contains("/connect/oauth2/authorize?appid=\(world.officialAccountID)") == true)
        }
        try await LoginWorld.with(adjust: { $0.sandboxMode = false }) { world in
            let login = try await world.browser().get("\(LoginWorld.serverBase)/login?return_to=/account&client=wechat")
            #expect(login.location?.contains("/connect/qrconnect?appid=\(world.websiteAppID)") == true)
        }
    }

    @Test func anonymousVisitorsGetNoSession() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let home = try await browser.get("\(LoginWorld.serverBase)/")
            #expect(home.status == 200)
            #expect(home.body.contains("微信扫码登录"))
            #expect(Browser.setCookieLine(home, named: "wl_session") == nil)
            #expect(try await world.count(table: "login_sessions") == 0)
        }
    }

    @Test func inlineQRPageEmbedsWeChatsFrame() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let page = try await browser.get("\(LoginWorld.serverBase)/login?return_to=/account&mode=inline")
            #expect(page.status == 200)
            #expect(page.body.contains("<iframe src=\"\(world.sandboxBase)/connect/qrconnect?appid=\(world.websiteAppID)"))
            #expect(page.body.contains("login_type=jssdk"))
            #expect(page.body.contains("self_redirect=false"))
            // The way to WeChat's own page keeps where the sign-in leads.
            #expect(page.body.contains("href=\"/login?mode=qr&amp;return_to=/account\""), "\(page.body)")
            #expect(try await world.count(OAuthStateRecord.self) == 1)
        }
    }
}
