import Fluent
import Foundation
import Testing
@testable import LoginServer

/// Binding by one-time code: wrong codes, attempts, expiry, resend cooldown, existing accounts and conflicts.
@Suite(.serialized) struct BindTests {
    /// Logs in as `user` on a PC and asks for a code to `contact`; returns the browser, challenge and csrf.
    private func requestCode(_ world: LoginWorld, user: String, contact: String) async throws
        -> (browser: Browser, challenge: String, csrf: String) {
        let browser = world.browser()
        _ = try await browser.pcLogin(as: user)
        let form = try await browser.get("\(LoginWorld.serverBase)/bind")
        let csrf = try #require(form.input("csrf"))
        let sent = try await browser.post("\(LoginWorld.serverBase)/bind/code", form: [("contact", contact), ("csrf", csrf)])
        let challenge = try #require(Browser.query(LoginWorld.serverBase + (sent.location ?? ""), "challenge"))
        return (browser, challenge, csrf)
    }

    private func submit(_ browser: Browser, challenge: String, code: String, csrf: String) async throws -> Browser.Result {
        try await browser.post("\(LoginWorld.serverBase)/bind/verify",
                               form: [("challenge", challenge), ("code", code), ("csrf", csrf)])
    }

    private func wrong(_ code: String) -> String {
        String(code.map { $0 == "9" ? "0" : Character(String(Int(String($0))! + 1)) })
    }

    @Test func theCodeIsStoredOnlyAsAKeyedHash() async throws {
        try await LoginWorld.with { world in
            _ = try await requestCode(world, user: "u1", contact: "13800138000")
            let code = try await world.latestCode(for: "13800138000")
            let challenge = try #require(try await BindChallenge.query(on: world.server.db).first())
            #expect(challenge.codeHash.count == 64)
            #expect(!challenge.codeHash.contains(code))
        }
    }

    @Test func aWrongCodeCountsDownThenLocksTheChallenge() async throws {
        try await LoginWorld.with { world in
            let (browser, challenge, csrf) = try await requestCode(world, user: "u1", contact: "13800138000")
            let right = try await world.latestCode(for: "13800138000")
            for remaining in stride(from: 4, through: 1, by: -1) {
                let page = try await submit(browser, challenge: challenge, code: wrong(right), csrf: csrf)
                #expect(page.status == 400)
                #expect(page.body.contains("还可以尝试 \(remaining) 次"))
            }
            let locked = try await submit(browser, challenge: challenge, code: wrong(right), csrf: csrf)
            #expect(locked.status == 429)
            let tooLate = try await submit(browser, challenge: challenge, code: right, csrf: csrf)
            #expect(tooLate.status == 429, "even the right code no longer works")
            #expect(try await world.count(User.self) == 0)
        }
    }

    /// A locked challenge's 429 says when a new code may be sent (what is left of the resend cooldown), as every
    /// 429 carries `Retry-After`.
    @Test func aLockedChallengeSaysWhenANewCodeMayBeSent() async throws {
        try await LoginWorld.with { world in
            let (browser, challenge, csrf) = try await requestCode(world, user: "u1", contact: "13800138000")
            let right = try await world.latestCode(for: "13800138000")
            world.clock.advance(by: 20)
            for _ in 0..<4 { _ = try await submit(browser, challenge: challenge, code: wrong(right), csrf: csrf) }
            let locked = try await submit(browser, challenge: challenge, code: wrong(right), csrf: csrf)
            #expect(locked.status == 429)
            #expect(locked.headers.first(name: .retryAfter) == "40", "60 s cooldown, 20 s of it gone")
            world.clock.advance(by: 45)
            let again = try await submit(browser, challenge: challenge, code: right, csrf: csrf)
            #expect(again.status == 429 && again.headers.first(name: .retryAfter) == "0", "a new code may go now")
            let resent = try await browser.post("\(LoginWorld.serverBase)/bind/code",
                                                form: [("contact", "13800138000"), ("csrf", csrf)])
            #expect(resent.location?.hasPrefix("/bind/verify") == true)
        }
    }

    @Test func junkCodesCountAsWrongAttempts() async throws {
        try await LoginWorld.with { world in
            let (browser, challenge, csrf) = try await requestCode(world, user: "u1", contact: "13800138000")
            for junk in ["", "abc", "1234567890123", "<script>"] {
                let page = try await submit(browser, challenge: challenge, code: junk, csrf: csrf)
                #expect(page.status == 400)
                #expect(!page.body.contains("<script>"))
            }
        }
    }

    @Test func anExpiredCodeIsRefused() async throws {
        try await LoginWorld.with { world in
            let (browser, challenge, csrf) = try await requestCode(world, user: "u1", contact: "13800138000")
            let code = try await world.latestCode(for: "13800138000")
            world.clock.advance(by: 10 * 60 + 1)
            let page = try await submit(browser, challenge: challenge, code: code, csrf: csrf)
            #expect(page.status == 410)
            #expect(try await world.count(User.self) == 0)
        }
    }

    @Test func resendingTooSoonIsRefusedThenAllowed() async throws {
        try await LoginWorld.with { world in
            let (browser, _, csrf) = try await requestCode(world, user: "u1", contact: "13800138000")
            let again = try await browser.post("\(LoginWorld.serverBase)/bind/code",
                                               form: [("contact", "13800138000"), ("csrf", csrf)])
            #expect(again.status == 429)
            world.clock.advance(by: 61)
            let later = try await browser.post("\(LoginWorld.serverBase)/bind/code",
                                               form: [("contact", "13800138000"), ("csrf", csrf)])
            #expect(later.location?.hasPrefix("/bind/verify") == true)
            let challenges = try await BindChallenge.query(on: world.server.db).all()
            #expect(challenges.count == 2)
            #expect(challenges.filter { $0.consumedAt == nil }.count == 1, "a new code replaces the old one")
        }
    }

    @Test func invalidContactsAndMissingCSRFAreRefused() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            let form = try await browser.get("\(LoginWorld.serverBase)/bind")
            let csrf = try #require(form.input("csrf"))
            let invalid = try await browser.post("\(LoginWorld.serverBase)/bind/code", form: [("contact", "12345"), ("csrf", csrf)])
            #expect(invalid.status == 400)
            #expect(invalid.body.contains("请输入有效的手机号或邮箱"))
            let forged = try await browser.post("\(LoginWorld.serverBase)/bind/code", form: [("contact", "13800138000")])
            #expect(forged.status == 403)
            #expect(try await world.count(BindChallenge.self) == 0)
        }
    }

    @Test func anAccountAlreadyBoundToAnotherWeChatOfTheSameAppIsAConflict() async throws {
        try await LoginWorld.with { world in
            let first = world.browser()
            _ = try await first.pcLogin(as: "u1")
            _ = try await first.bind(contact: "13800138000")
            let other = world.browser()
            _ = try await other.pcLogin(as: "u3")
            let conflict = try await other.bind(contact: "13800138000")
            #expect(conflict.status == 409)
            #expect(conflict.body.contains("该账号已绑定其他微信"))
            let u3 = try #require(try await WeChatIdentity.query(on: world.server.db).filter(\.$user.$id == nil).first())
            #expect(u3.$user.id == nil, "nothing was linked")
            #expect(try await world.count(User.self) == 1)
        }
    }

    @Test func bindingWithoutALoginGoesToLogin() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            #expect(try await browser.get("\(LoginWorld.serverBase)/bind").location == "/login")
            let post = try await browser.post("\(LoginWorld.serverBase)/bind/verify", form: [("code", "123456")])
            #expect(post.location == "/login")
        }
    }
}
