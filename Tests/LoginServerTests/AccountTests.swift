import Fluent
import Foundation
import Testing
@testable import LoginServer

/// The account page and API: unbind rules, token refresh, dead refresh tokens, no secrets anywhere.
@Suite(.serialized) struct AccountTests {
    @Test func theLastIdentityCannotBeUnbound() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            _ = try await browser.bind(contact: "13800138000")
            let me = try await browser.get("\(LoginWorld.serverBase)/api/me")
            let id = try #require((me.json["identities"] as? [[String: Any]])?.first?["id"] as? String)
            let forged = try await browser.post("\(LoginWorld.serverBase)/api/me/identities/\(id)/unbind", form: [])
            #expect(forged.status == 403, "a POST without the CSRF header (a cross-site form) is refused")
            let refused = try await browser.apiPost("\(LoginWorld.serverBase)/api/me/identities/\(id)/unbind")
            #expect(refused.status == 409)
            #expect(refused.json["reason"] as? String != nil)
            let account = try await browser.get("\(LoginWorld.serverBase)/account")
            #expect(account.body.contains("唯一的登录方式，不能解绑"))
        }
    }

    @Test func anotherIdentityCanBeUnboundOnThePage() async throws {
        try await LoginWorld.with { world in
            let pc = world.browser()
            _ = try await pc.pcLogin(as: "u1")
            _ = try await pc.bind(contact: "13800138000")
            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            _ = try await phone.weChatLogin(as: "u1")
            let officialAccount = try #require(
                try await WeChatIdentity.query(on: world.server.db).filter(\.$appKind == "officialAccount").first())
            let account = try await pc.get("\(LoginWorld.serverBase)/account")
            let csrf = try #require(account.input("csrf"))
            let done = try await pc.post(
                "\(LoginWorld.serverBase)/account/identities/\(try officialAccount.requireID())/unbind",
                form: [("csrf", csrf)])
            #expect(done.location == "/account?notice=unbound")
            let me = try await pc.get("\(LoginWorld.serverBase)/api/me")
            #expect((me.json["identities"] as? [[String: Any]])?.count == 1)
            let row = try #require(try await WeChatIdentity.find(officialAccount.id, on: world.server.db))
            #expect(row.$user.id == nil && row.refreshTokenSealed == nil)
        }
    }

    @Test func theJSONAPIRefreshesAProfileAndSignsOut() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            _ = try await browser.bind(contact: "13800138000")
            let identity = try #require(try await WeChatIdentity.query(on: world.server.db).first())
            world.clock.advance(by: 7300)
            try await world.control(.POST, "clock/advance", json: #"{"seconds":7300}"#)
            let refreshed = try await browser.apiPost(
                "\(LoginWorld.serverBase)/api/me/identities/\(try identity.requireID())/refresh")
            #expect(refreshed.status == 200)
            #expect((refreshed.json["identities"] as? [[String: Any]])?.first?["nickname"] as? String == "张三")
            #expect(try await world.calls("/sns/oauth2/refresh_token") == 1)
            let unknown = try await browser.apiPost("\(LoginWorld.serverBase)/api/me/identities/\(UUID())/refresh")
            #expect(unknown.status == 404)
            let forgedOut = try await browser.post("\(LoginWorld.serverBase)/api/logout", form: [])
            #expect(forgedOut.status == 403)
            let out = try await browser.apiPost("\(LoginWorld.serverBase)/api/logout")
            #expect(out.status == 204)
            #expect(try await browser.get("\(LoginWorld.serverBase)/api/me").status == 401)
        }
    }

    @Test func theOpenAPIDocumentDescribesEveryAPIRoute() async throws {
        try await LoginWorld.with { world in
            let document = try await world.browser().get("\(LoginWorld.serverBase)/openapi.json")
            #expect(document.status == 200)
            let paths = try #require(document.json["paths"] as? [String: Any])
            let routes = world.server.routes.all
                .map { "/" + $0.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return "\(component)"
                }.joined(separator: "/") }
                .filter { $0.hasPrefix("/api/") || $0 == "/healthz" || $0 == "/livez" }
            #expect(!routes.isEmpty)
            let live = try await world.browser().get("\(LoginWorld.serverBase)/livez")
            #expect(live.status == 200 && live.body == #"{"status":"ok"}"#)
            for route in routes { #expect(paths[route] != nil, "\(route) is missing from /openapi.json") }
        }
    }

    @Test func anExpiredUserTokenIsRefreshedWhenUsed() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            _ = try await browser.bind(contact: "13800138000")
            let before = try #require(try await WeChatIdentity.query(on: world.server.db).first())
            let sealedBefore = before.accessTokenSealed
            world.clock.advance(by: 7300)
            try await world.control(.POST, "clock/advance", json: #"{"seconds":7300}"#)
            let account = try await browser.get("\(LoginWorld.serverBase)/account")
            let csrf = try #require(account.input("csrf"))
            let refreshed = try await browser.post(
                "\(LoginWorld.serverBase)/account/identities/\(try before.requireID())/refresh", form: [("csrf", csrf)])
            #expect(refreshed.location == "/account?notice=refreshed")
            #expect(try await world.calls("/sns/oauth2/refresh_token") == 1)
            let after = try #require(try await WeChatIdentity.find(before.id, on: world.server.db))
            #expect(after.accessTokenSealed != sealedBefore)
            #expect(after.needsReauthorization == false)
        }
    }

    @Test func aDeadRefreshTokenMarksTheIdentityForReauthorization() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            _ = try await browser.bind(contact: "13800138000")
            let identity = try #require(try await WeChatIdentity.query(on: world.server.db).first())
            // Our record says the refresh token still lives; WeChat says it is dead (42002).
            world.clock.advance(by: 7300)
            try await world.control(.POST, "clock/advance", json: #"{"seconds":2678400}"#)
            let account = try await browser.get("\(LoginWorld.serverBase)/account")
            let csrf = try #require(account.input("csrf"))
            let result = try await browser.post(
                "\(LoginWorld.serverBase)/account/identities/\(try identity.requireID())/refresh", form: [("csrf", csrf)])
            #expect(result.location == "/account?notice=reauthorize")
            let after = try #require(try await WeChatIdentity.find(identity.id, on: world.server.db))
            #expect(after.needsReauthorization)
            #expect(after.refreshTokenSealed == nil)
            let page = try await browser.get("\(LoginWorld.serverBase)/account")
            #expect(page.body.contains("授权已失效"))
            let me = try await browser.get("\(LoginWorld.serverBase)/api/me")
            #expect((me.json["identities"] as? [[String: Any]])?.first?["needsReauthorization"] as? Bool == true)
            // Signing in again repairs it.
            _ = try await world.browser().pcLogin(as: "u1")
            #expect(try await WeChatIdentity.find(identity.id, on: world.server.db)?.needsReauthorization == false)
        }
    }

    @Test func noSecretOrTokenReachesLogsPagesURLsOrTheAPI() async throws {
        try await LoginWorld.with { world in
            var seen: [String] = []
            let browser = world.browser()
            let pending = try await browser.startPCLogin()
            try await browser.confirmOnPhone(pending, user: "u1")
            let code = try await browser.pollForCode(pending)
            let callback = try await browser.get(browser.callbackURL(pending, code: code))
            seen.append(callback.body + (callback.location ?? ""))
            seen.append(try await browser.bind(contact: "13800138000").body)
            seen.append(try await browser.get("\(LoginWorld.serverBase)/account").body)
            seen.append(try await browser.get("\(LoginWorld.serverBase)/api/me").body)

            let identity = try #require(try await WeChatIdentity.query(on: world.server.db).first())
            let cipher = world.services.cipher
            let accessToken = try cipher.open(try #require(identity.accessTokenSealed),
                                              context: IdentityRecorder.context(identity, "access"))
            let refreshToken = try cipher.open(try #require(identity.refreshTokenSealed),
                                               context: IdentityRecorder.context(identity, "refresh"))
            let secrets = [
                world.services.configuration.website!.secret,
                world.services.configuration.officialAccount!.secret,
                accessToken, refreshToken, code,
            ]
            let everything = seen + world.logs.all
            #expect(!world.logs.all.isEmpty)
            for secret in secrets {
                #expect(secret.count >= 16)
                #expect(!everything.contains { $0.contains(secret) }, "a secret leaked")
            }
        }
    }
}
