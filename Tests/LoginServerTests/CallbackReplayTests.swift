import Crypto
import Fluent
import Foundation
import Testing
import WeChatKit
import Vapor
@testable import LoginServer

/// A completed callback is answered again only promptly and only in the session it created; signing out ends the
/// browser's login bindings; the server mints those bindings itself; cookies, CSRF tokens and pending bindings
/// follow the sign-in.
@Suite(.serialized) struct CallbackReplayTests {
    /// A PC login as `user` that is bound to `contact`; returns the callback URL it completed.
    private func signIn(_ browser: Browser, as user: String, contact: String) async throws -> String {
        let pending = try await browser.startPCLogin()
        try await browser.confirmOnPhone(pending, user: user)
        let callbackURL = browser.callbackURL(pending, code: try await browser.pollForCode(pending))
        let callback = try await browser.get(callbackURL)
        #expect(callback.location == "/bind")
        let bound = try await browser.bind(contact: contact)
        #expect(bound.location == "/account")
        #expect(try await browser.get("\(LoginWorld.serverBase)/api/me").status == 200)
        return callbackURL
    }

    private func signOut(_ browser: Browser) async throws -> Browser.Result {
        let account = try await browser.get("\(LoginWorld.serverBase)/account")
        let csrf = try #require(account.input("csrf"))
        return try await browser.post("\(LoginWorld.serverBase)/logout", form: [("csrf", csrf)])
    }

    @Test func theCallbackInTheHistorySignsNoOneInAfterSignOut() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let callbackURL = try await signIn(browser, as: "u1", contact: "13800138000")
            let out = try await signOut(browser)
            #expect(out.location == "/")
            let deleted = try #require(Browser.setCookieLine(out, named: "wl_login"), "sign-out deletes the bindings")
            #expect(deleted.lowercased().contains("max-age=0"))
            // The next person at this PC opens the completed callback from the history.
            let replay = try await browser.get(callbackURL)
            #expect(replay.status == 403, "no binding left: the page for a link from another browser")
            #expect(try await browser.get("\(LoginWorld.serverBase)/api/me").status == 401)
            #expect(try await world.calls("/sns/oauth2/access_token") == 1, "no second exchange either")
        }
    }

    @Test func theCallbackInTheHistorySignsNoOneInAfterSignOutAndANewLogin() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let callbackURL = try await signIn(browser, as: "u1", contact: "13800138000")
            _ = try await signOut(browser)
            // The next person starts a login of their own (a new binding), then tries the old callback.
            _ = try await browser.get("\(LoginWorld.serverBase)/login?return_to=/account")
            let replay = try await browser.get(callbackURL)
            #expect(replay.status == 403 || replay.status == 400)
            #expect(try await browser.get("\(LoginWorld.serverBase)/api/me").status == 401)
        }
    }

    @Test func aRepeatAfterTheWindowIsRefusedEvenInTheSameSession() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let pending = try await browser.startPCLogin()
            try await browser.confirmOnPhone(pending, user: "u1")
            let callbackURL = browser.callbackURL(pending, code: try await browser.pollForCode(pending))
            #expect(try await browser.get(callbackURL).location == "/bind")
            world.clock.advance(by: 60)
            #expect(try await browser.get(callbackURL).location == "/bind", "a prompt repeat gets the first result")
            world.clock.advance(by: 61)
            let late = try await browser.get(callbackURL)
            #expect(late.status == 400)
            #expect(late.body.contains("登录链接无效"))
        }
    }

    @Test func aRepeatInTheSessionOfALaterLoginIsRefused() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let first = try await signIn(browser, as: "u1", contact: "13800138000")
            _ = try await signIn(browser, as: "u2", contact: "bob@example.com")
            // Back button to the first login's callback, while signed in as the second person.
            let replay = try await browser.get(first)
            #expect(replay.status == 400)
            let me = try await browser.get("\(LoginWorld.serverBase)/api/me")
            #expect((me.json["user"] as? [String: Any])?["email"] as? String == "bob@example.com",
                    "the session stays the second person's")
        }
    }

    @Test func aBindingTheClientMadeUpIsNotUsed() async throws {
        try await LoginWorld.with { world in
            let forged = String(repeating: "A", count: 32)
            let login = try await world.serverGET(
                "\(LoginWorld.serverBase)/login?return_to=/account", cookie: "wl_login=\(forged)",
                userAgent: Browser.desktopUserAgent)
            #expect(login.status == 303 || login.status == 302)
            let state = try #require(try await OAuthStateRecord.query(on: world.server.db).first())
            let forgedHash = Hex.lowercase(SHA256.hash(data: Data(forged.utf8)))
            #expect(state.browserBindingHash != forgedHash, "the server minted its own binding")
        }
    }

    @Test func loginsStartedInTwoTabsCanBothFinish() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let first = try await browser.startPCLogin()
            let second = try await browser.startPCLogin()
            try await browser.confirmOnPhone(first, user: "u1")
            let callback = try await browser.get(browser.callbackURL(first, code: try await browser.pollForCode(first)))
            #expect(callback.location == "/bind", "the older tab's login still belongs to this browser")
            try await browser.confirmOnPhone(second, user: "u2")
            let other = try await browser.get(browser.callbackURL(second, code: try await browser.pollForCode(second)))
            #expect(other.location == "/bind")
        }
    }

    @Test func theBindingCookieIsSignedAndKeepsOnlyRecentBindings() throws {
        let key = SymmetricKey(size: .bits256)
        var cookie = BrowserBindingCookie()
        var minted: [BrowserBinding] = []
        for _ in 0..<6 {
            let binding = BrowserBinding.random()
            minted.append(binding)
            cookie = cookie.adding(binding)
        }
        #expect(cookie.bindings == Array(minted.reversed().prefix(BrowserBindingCookie.capacity)))
        let value = cookie.value(key: key)
        #expect(BrowserBindingCookie(cookieValue: value, key: key) == cookie)
        #expect(BrowserBindingCookie(cookieValue: value, key: SymmetricKey(size: .bits256)).bindings.isEmpty,
                "another key's MAC")
        let tampered = (value.first == "A" ? "B" : "A") + value.dropFirst()  // always a different first letter
        #expect(BrowserBindingCookie(cookieValue: tampered, key: key).bindings.isEmpty)
        #expect(BrowserBindingCookie(cookieValue: String(repeating: "a", count: 32), key: key).bindings.isEmpty)
        #expect(BrowserBindingCookie(cookieValue: "", key: key).bindings.isEmpty)
        #expect(BrowserBindingCookie(cookieValue: String(repeating: "x!", count: 5000), key: key).bindings.isEmpty)
    }

    @Test func cookiesCarryTheHostPrefixOnHTTPS() async throws {
        try await LoginWorld.with(adjust: { $0.publicURL = "https://login.test" }) { world in
            let login = try await world.browser().get("\(LoginWorld.serverBase)/login?return_to=/account")
            let line = try #require(Browser.setCookieLine(login, named: "__Host-wl_login"))
            #expect(line.contains("Secure") && line.contains("Path=/") && !line.lowercased().contains("domain="))
            #expect(Browser.setCookieLine(login, named: "wl_login") == nil)
            let configuration = world.services.configuration
            #expect(LoginServer.sessionsConfiguration(configuration).cookieName == "__Host-wl_session")
        }
        try await LoginWorld.with { world in
            let login = try await world.browser().get("\(LoginWorld.serverBase)/login?return_to=/account")
            #expect(Browser.setCookieLine(login, named: "wl_login") != nil, "plain names on http (development)")
        }
    }

    @Test func signingInIssuesANewCSRFToken() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            let form = try await browser.get("\(LoginWorld.serverBase)/bind")
            let before = try #require(form.input("csrf"))
            #expect(try await browser.bind(contact: "13800138000").location == "/account")
            let account = try await browser.get("\(LoginWorld.serverBase)/account")
            let after = try #require(account.input("csrf"))
            #expect(before != after)
            // The old token no longer works for the signed-in session.
            let stale = try await browser.post("\(LoginWorld.serverBase)/logout", form: [("csrf", before)])
            #expect(stale.status == 403)
        }
    }

    @Test func aPendingBindingExpiresWithinMinutes() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            #expect(try await browser.pcLogin(as: "u1").location == "/bind")
            world.clock.advance(by: 14 * 60)
            #expect(try await browser.get("\(LoginWorld.serverBase)/bind").status == 200)
            world.clock.advance(by: 2 * 60)
            let expired = try await browser.get("\(LoginWorld.serverBase)/bind")
            #expect(expired.location == "/login", "the login starts again")
        }
    }
}
