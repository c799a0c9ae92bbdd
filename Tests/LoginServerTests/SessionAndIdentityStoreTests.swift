import Crypto
import Fluent
import Foundation
import SQLKit
import Testing
import WeChatKit
import Vapor
@testable import LoginServer

/// The session table and the identity upsert that every login writes.
@Suite(.serialized) struct SessionAndIdentityStoreTests {
    @Test func sessionsAreStoredUnderTheHashOfTheirCookieAndExpire() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            _ = try await browser.bind(contact: "13800138000")
            let cookie = try #require(browser.cookies["login.test"]?["wl_session"])
            #expect(LoginSessionStore.isWellFormed(cookie))

            let rows = try await world.server.db.sql().raw("SELECT id_hash, data FROM login_sessions").all()
            #expect(rows.count == 1, "the pending session was replaced by the signed-in one")
            let stored = try rows[0].decode(column: "id_hash", as: String.self)
            #expect(stored == Hex.lowercase(SHA256.hash(data: Data(cookie.utf8))))
            #expect(!(try rows[0].decode(column: "data", as: String.self)).contains(cookie))

            let store = LoginSessionStore(database: world.server.db, clock: world.clock, lifetime: 7 * 86_400)
            #expect(try await store.read(SessionID(string: cookie))?["uid"] != nil)
            world.clock.advance(by: 7 * 86_400 + 1)
            #expect(try await store.read(SessionID(string: cookie)) == nil, "an expired row signs no one in")
            #expect(try await browser.get("\(LoginWorld.serverBase)/api/me").status == 401)
        }
    }

    @Test func malformedOrUnknownSessionCookiesAreIgnoredAndWriteNothing() async throws {
        try await LoginWorld.with { world in
            for value in ["x", String(repeating: "a", count: 43), "../../etc/passwd", String(repeating: "é", count: 43)] {
                let (status, _) = try await world.serverGET(
                    "\(LoginWorld.serverBase)/", cookie: "wl_session=\(value)", userAgent: Browser.desktopUserAgent)
                #expect(status == 200)
            }
            #expect(try await world.count(table: "login_sessions") == 0)
        }
    }

    @Test func oneNewPersonSigningInFromTwoBrowsersAtOnceGetsOneIdentity() async throws {
        try await LoginWorld.with { world in
            let first = world.browser()
            let second = world.browser()
            var callbacks: [(url: String, cookie: String)] = []
            for browser in [first, second] {
                let pending = try await browser.startPCLogin()
                try await browser.confirmOnPhone(pending, user: "u1")
                let code = try await browser.pollForCode(pending)
                callbacks.append((browser.callbackURL(pending, code: code), browser.serverCookieHeader))
            }
            let answers = try await withThrowingTaskGroup(of: (status: Int, location: String?).self) { group in
                for callback in callbacks {
                    group.addTask {
                        try await world.serverGET(callback.url, cookie: callback.cookie, userAgent: Browser.desktopUserAgent)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.map(\.location) == ["/bind", "/bind"])
            #expect(try await world.count(WeChatIdentity.self) == 1)
        }
    }

    @Test func aReturningLoginRefreshesTokensAndKeepsWhatTheProfileLeftOut() async throws {
        try await LoginWorld.with { world in
            let pc = world.browser()
            _ = try await pc.pcLogin(as: "u1")
            _ = try await pc.bind(contact: "13800138000")
            let before = try #require(try await WeChatIdentity.query(on: world.server.db).first())
            #expect(before.nickname == "张三")

            // The same person, now through the official account with snsapi_base: no profile, no unionid.
            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            _ = try await phone.get(try #require(try await phone.startWeChatLogin(as: "u1", scope: "snsapi_base").location))
            world.clock.advance(by: 60)
            _ = try await world.browser().pcLogin(as: "u1")

            let identities = try await WeChatIdentity.query(on: world.server.db).all()
            #expect(identities.count == 2)
            let website = try #require(identities.first { $0.appKind == "website" })
            #expect(website.id == before.id)
            #expect(website.$user.id == before.$user.id, "the bound user is kept")
            #expect(website.nickname == "张三")
            #expect(website.unionID == before.unionID)
            #expect(website.accessTokenSealed != before.accessTokenSealed, "a new grant's token is sealed")
            #expect(try #require(website.lastLoginAt) > (before.lastLoginAt ?? .distantPast))
            let base = try #require(identities.first { $0.appKind == "officialAccount" })
            #expect(base.unionID == nil && base.nickname == nil && base.$user.id == nil)
        }
    }
}
