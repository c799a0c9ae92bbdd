import Foundation
import Testing
import WeChatKit
import WeChatSandbox

/// WeChatKit's OAuth client against the sandbox: both authorize flows, the QR states, and every token call.
@Suite struct OAuthRoundTripTests {
    static let redirect = "https://app.example/auth/wechat/callback?from=test"

    /// Runs the official-account authorize flow as `user` and returns the code.
    func authorizeCode(_ world: RoundTrip, user: String, scope: OAuthScope, state: OAuthState) async throws -> String {
        let url = world.oauth(world.officialAccount).officialAccountAuthorizationURL(
            redirectURI: Self.redirect, scope: scope, state: state)
        let answer = try await world.browse(url, user: user, consent: "allow")
        #expect(answer.status == 302)
        let location = try #require(answer.location)
        #expect(location.hasPrefix(Self.redirect + "&code="), "WeChat appends to an existing query")
        #expect(RoundTrip.query(location, "state") == state.rawValue)
        return try #require(RoundTrip.query(location, "code"))
    }

    @Test func userinfoScopeExchangeValidateAndProfile() async throws {
        try await RoundTrip.with { world in
            let client = world.oauth(world.officialAccount)
            let code = try await authorizeCode(world, user: "u1", scope: .snsapiUserinfo, state: .random())
            #expect(code.count == 32)
            let token = try await client.exchange(code: code)
            #expect(token.openID == world.sandbox.openID(userID: "u1", appID: world.officialAccount.appID))
            #expect(token.scopes == [.snsapiUserinfo])
            #expect(token.unionID != nil)
            #expect(token.expiresAt.timeIntervalSinceNow > 7000)
            #expect(try await client.isValid(accessToken: token.accessToken, openID: token.openID))
            #expect(try await client.isValid(accessToken: token.accessToken, openID: "oWrongOpenIDxxxxxxxxxxxxxxxxx") == false)
            let profile = try await client.userInfo(accessToken: token.accessToken, openID: token.openID)
            #expect(profile.nickname == "张三")
            #expect(profile.unionID == token.unionID)
            #expect(profile.sex == .unknown && profile.province.isEmpty)
        }
    }

    @Test func baseScopeIsSilentAndCannotReadTheProfile() async throws {
        try await RoundTrip.with { world in
            let client = world.oauth(world.officialAccount)
            let code = try await authorizeCode(world, user: "u3", scope: .snsapiBase, state: .random())
            let token = try await client.exchange(code: code)
            #expect(token.scopes == [.snsapiBase])
            #expect(token.unionID == nil)
            await #expect(throws: WeChatError.api(.apiUnauthorized)) {
                _ = try await client.userInfo(accessToken: token.accessToken, openID: token.openID)
            }
        }
    }

    @Test func aCodeIsSingleUseAndBoundToItsApp() async throws {
        try await RoundTrip.with { world in
            let code = try await authorizeCode(world, user: "u1", scope: .snsapiBase, state: .random())
            await #expect(throws: WeChatError.api(.invalidCode)) {
                _ = try await world.oauth(world.website).exchange(code: code)
            }
            _ = try await world.oauth(world.officialAccount).exchange(code: code)
            await #expect(throws: WeChatError.api(.codeBeenUsed)) {
                _ = try await world.oauth(world.officialAccount).exchange(code: code)
            }
            #expect(try await world.calls("/sns/oauth2/access_token") == 3, "the exchange is never retried")
        }
    }

    @Test func aStaleCodeIsRefused() async throws {
        try await RoundTrip.with { world in
            let code = try await authorizeCode(world, user: "u1", scope: .snsapiBase, state: .random())
            try await world.advance(301)
            await #expect(throws: WeChatError.api(.invalidCode)) {
                _ = try await world.oauth(world.officialAccount).exchange(code: code)
            }
        }
    }

    @Test func deniedConsentRedirectsWithStateOnly() async throws {
        try await RoundTrip.with { world in
            let state = OAuthState.random()
            let url = world.oauth(world.officialAccount).officialAccountAuthorizationURL(
                redirectURI: Self.redirect, scope: .snsapiUserinfo, state: state)
            let answer = try await world.browse(url, user: "u2", consent: "deny")
            let location = try #require(answer.location)
            #expect(RoundTrip.query(location, "code") == nil)
            #expect(RoundTrip.query(location, "state") == state.rawValue)
        }
    }

    @Test func refreshRenewsThenDiesAfterThirtyDays() async throws {
        try await RoundTrip.with { world in
            let client = world.oauth(world.officialAccount)
            let code = try await authorizeCode(world, user: "u1", scope: .snsapiUserinfo, state: .random())
            let token = try await client.exchange(code: code)
            let renewed = try await client.refresh(refreshToken: token.refreshToken)
            #expect(renewed.accessToken == token.accessToken, "before expiry the same token comes back, renewed")
            try await world.advance(7201)
            #expect(try await client.isValid(accessToken: token.accessToken, openID: token.openID) == false)
            let fresh = try await client.refresh(refreshToken: token.refreshToken)
            #expect(fresh.accessToken != token.accessToken)
            #expect(try await client.isValid(accessToken: fresh.accessToken, openID: fresh.openID))
            try await world.advance(30 * 24 * 3600)
            await #expect(throws: WeChatError.api(.refreshTokenExpired)) {
                _ = try await client.refresh(refreshToken: token.refreshToken)
            }
            await #expect(throws: WeChatError.api(.invalidRefreshToken)) {
                _ = try await client.refresh(refreshToken: "00_not-a-refresh-token")
            }
        }
    }

    @Test func qrLoginScanConfirmExchange() async throws {
        try await RoundTrip.with { world in
            let client = world.oauth(world.website)
            let state = OAuthState.random()
            let page = try await world.browse(client.qrConnectURL(redirectURI: Self.redirect, state: state))
            #expect(page.status == 200)
            let uuid = try Self.uuid(in: page.body)
            let image = try await world.browse("\(world.base)/connect/qrcode/\(uuid)")
            #expect(image.status == 200)
            #expect(try await poll(world, uuid, last: nil).contains("wx_errcode=408"))
            try await world.control(.POST, "qr/\(uuid)/scan", json: #"{"user":"u1"}"#)
            #expect(try await poll(world, uuid, last: "408").contains("wx_errcode=404"))
            try await world.control(.POST, "qr/\(uuid)/confirm", json: #"{"user":"u1"}"#)
            let answer = try await poll(world, uuid, last: "404")
            #expect(answer.contains("wx_errcode=405"))
            let code = try #require(answer.components(separatedBy: "wx_code='").last?.prefix { $0 != "'" })
            let token = try await client.exchange(code: String(code))
            #expect(token.scopes == [.snsapiLogin])
            #expect(token.openID == world.sandbox.openID(userID: "u1", appID: world.website.appID))
            let profile = try await client.userInfo(accessToken: token.accessToken, openID: token.openID)
            #expect(profile.nickname == "张三")
            // The same person's unionid is the same under the official account: the join key.
            let inWeChat = try await world.oauth(world.officialAccount).exchange(
                code: try await authorizeCode(world, user: "u1", scope: .snsapiUserinfo, state: .random()))
            #expect(inWeChat.unionID == token.unionID)
            #expect(inWeChat.openID != token.openID)
        }
    }

    @Test func qrLoginDeniedAndExpired() async throws {
        try await RoundTrip.with { world in
            let client = world.oauth(world.website)
            let first = try Self.uuid(in: try await world.browse(client.qrConnectURL(redirectURI: Self.redirect, state: .random())).body)
            try await world.control(.POST, "qr/\(first)/scan", json: #"{"user":"u2"}"#)
            try await world.control(.POST, "qr/\(first)/cancel")
            #expect(try await poll(world, first, last: "404").contains("wx_errcode=403"))
            let second = try Self.uuid(in: try await world.browse(client.qrConnectURL(redirectURI: Self.redirect, state: .random())).body)
            try await world.advance(301)
            #expect(try await poll(world, second, last: "408").contains("wx_errcode=402"))
        }
    }

    func poll(_ world: RoundTrip, _ uuid: String, last: String?) async throws -> String {
        let lastQuery = last.map { "&last=\($0)" } ?? ""
        return try await world.browse("\(world.base)/connect/l/qrconnect?uuid=\(uuid)\(lastQuery)").body
    }

    static func uuid(in page: String) throws -> String {
        let marker = try #require(page.range(of: "/connect/qrcode/"))
        return String(page[marker.upperBound...].prefix { $0 != "\"" })
    }
}
