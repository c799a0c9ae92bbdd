import Foundation
import Testing
@testable import LoginServer

/// The OpenID Connect authorization-code flow end to end: `/oauth/authorize` through the PC QR sign-in and binding
/// to the client's redirect, `/oauth/token`, the ID token's claims, `/oauth/userinfo`, single sign-on, `prompt`,
/// and what a careful reviewer tries (reused codes, wrong redirect URIs and verifiers, unknown clients). On SQLite,
/// or PostgreSQL with `TEST_DATABASE_URL`.
@Suite(.serialized) struct OIDCFlowTests {
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    @Test func aNewPersonSignsInThroughTheClientAndItLearnsWhoTheyAre() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let browser = world.browser()
            let answer = try client.answer(try await browser.firstSignIn(client, as: "u1", contact: "13800138001"))
            #expect(answer["state"] == "st-123")
            #expect(answer["iss"] == "http://login.test")
            let code = try #require(answer["code"])
            #expect(code.count >= 43)

            let token = try await client.redeem(world, code: code)
            #expect(token.status == 200, "\(token.body)")
            #expect(token.headers.first(name: .cacheControl) == "no-store")
            #expect(token.headers.first(name: .pragma) == "no-cache")
            let json = token.json
            #expect(json["token_type"] as? String == "Bearer")
            #expect(json["expires_in"] as? Int == 3600)
            #expect(json["scope"] as? String == "openid profile email phone wechat")
            let accessToken = try #require(json["access_token"] as? String)
            let idToken = try #require(json["id_token"] as? String)

            let user = try #require(try await UserStore(database: world.server.db).find(.phone("13800138001")))
            let sub = try #require(user.id).uuidString.lowercased()
            let verified = try await world.services.signingKeys.verify(idToken)
            #expect(verified.header.alg == "RS256" && verified.header.typ == "JWT" && verified.header.kid != nil)
            let claims = try verified.claims(as: IDTokenClaims.self)
            let now = world.clock.now().timeIntervalSince1970
            #expect(claims.iss == "http://login.test" && claims.sub == sub)
            #expect(claims.aud == client.clientID && claims.azp == client.clientID)
            #expect(claims.nonce == "n-456" && claims.amr == ["wechat"])
            #expect(claims.at_hash == OpaqueToken.leftHalfHash(accessToken))
            #expect(abs(claims.iat.timeIntervalSince1970 - now) < 2 && abs(claims.exp.timeIntervalSince1970 - now - 3600) < 2)
            #expect(abs(claims.auth_time.timeIntervalSince1970 - now) < 2)
            let access = try await world.services.signingKeys.verify(accessToken)
            #expect(access.header.typ == "at+jwt")
            let accessClaims = try access.claims(as: AccessTokenClaims.self)
            #expect(accessClaims.client_id == client.clientID && accessClaims.sub == sub)

            let info = try await TestRelyingParty.userInfo(world, token: accessToken)
            #expect(info.status == 200, "\(info.body)")
            #expect(info.headers.first(name: .cacheControl) == "no-store")
            let claimsByScope = info.json
            #expect(claimsByScope["sub"] as? String == sub)
            #expect(claimsByScope["phone_number"] as? String == "+8613800138001")
            #expect(claimsByScope["phone_number_verified"] as? Bool == true)
            #expect(claimsByScope["name"] != nil && claimsByScope["updated_at"] is Int)
            let identities = try #require(claimsByScope["wechat_identities"] as? [[String: Any]])
            #expect(identities.count == 1 && identities[0]["appid"] as? String == world.websiteAppID)
            #expect((identities[0]["openid"] as? String)?.isEmpty == false)
            // Tokens stay out of the log.
            #expect(!world.logs.all.joined(separator: "\n").contains(code) && !world.logs.all.joined(separator: "\n").contains(accessToken))
        }
    }

    @Test func claimsFollowTheScopes() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world, scopes: ["openid", "email"])
            let browser = world.browser()
            let url = client.authorizeURL(scope: "openid email")
            let answer = try client.answer(try await browser.firstSignIn(client, as: "u1", contact: "a@example.com", url: url))
            let token = try await client.redeem(world, code: try #require(answer["code"]))
            let info = try await TestRelyingParty.userInfo(world, token: try #require(token.json["access_token"] as? String)).json
            #expect(info["email"] as? String == "a@example.com" && info["email_verified"] as? Bool == true)
            #expect(info["phone_number"] == nil && info["name"] == nil && info["wechat_identities"] == nil)
            // A scope the client did not register is refused.
            let refused = try client.answer(try await browser.get(client.authorizeURL(scope: "openid phone")))
            #expect(refused["error"] == "invalid_scope")
        }
    }

    @Test func aSecondClientSignsInWithoutWeChatAndPromptsAreObeyed() async throws {
        try await LoginWorld.with { world in
            let first = try await TestRelyingParty.register(world)
            let second = try await TestRelyingParty.register(world, method: .clientSecretPost,
                                                             redirectURI: "http://127.0.0.1:9000/cb")
            let browser = world.browser()
            _ = try first.answer(try await browser.firstSignIn(first, as: "u1", contact: "13800138003"))
            let qrPages = try await world.calls("/connect/qrconnect")

            let sso = try second.answer(try await browser.get(second.authorizeURL()))
            let token = try await second.redeem(world, code: try #require(sso["code"]), basic: false)
            #expect(token.status == 200, "\(token.body)")
            let none = try second.answer(try await browser.get(second.authorizeURL(extra: [("prompt", "none")])))
            #expect(none["code"] != nil && none["iss"] == "http://login.test")
            #expect(try await world.calls("/connect/qrconnect") == qrPages, "no trip to WeChat")

            // prompt=login and an old sign-in under max_age send the browser through WeChat again.
            let login = try await browser.get(second.authorizeURL(extra: [("prompt", "login")]))
            #expect(login.location?.hasPrefix("/login?return_to=") == true)
            world.clock.advance(by: 120)
            let stale = try await browser.get(second.authorizeURL(extra: [("max_age", "60")]))
            #expect(stale.location?.hasPrefix("/login?return_to=") == true)
            let fresh = try await browser.get(second.authorizeURL(extra: [("max_age", "600")]))
            #expect(try second.answer(fresh)["code"] != nil)
            // Continuing a prompt=login request without signing in again yields no code.
            let resume = try #require(Browser.query(LoginWorld.serverBase + (login.location ?? ""), "return_to"))
            let refused = try second.answer(try await browser.get(LoginWorld.serverBase + resume))
            #expect(refused["error"] == "login_required" && refused["code"] == nil)
            // Signing in again does, even within the same instant (a silent in-WeChat sign-in can be that quick).
            let again = try await browser.get(second.authorizeURL(extra: [("prompt", "login")]))
            let callback = try await browser.pcLogin(from: again, as: "u1")
            let continued = try await browser.get(LoginWorld.serverBase + (try #require(callback.location)))
            #expect(try second.answer(continued)["code"] != nil)
        }
    }

    @Test func promptNoneWithoutASessionAnswersLoginRequiredAtOnce() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let answer = try client.answer(try await world.browser().get(client.authorizeURL(extra: [("prompt", "none")])))
            #expect(answer["error"] == "login_required" && answer["state"] == "st-123" && answer["iss"] == "http://login.test")
        }
    }

    @Test func aPublicClientMustProveItsPKCEVerifier() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world, method: .none, redirectURI: "http://localhost:3000/cb")
            let browser = world.browser()
            let missing = try client.answer(try await browser.get(client.authorizeURL()))
            #expect(missing["error"] == "invalid_request")
            let answer = try client.answer(try await browser.firstSignIn(
                client, as: "u1", contact: "13800138004", url: client.authorizeURL(challenge: Self.challenge)))
            let code = try #require(answer["code"])
            let wrong = try await client.redeem(world, code: code, verifier: String(Self.verifier.reversed()))
            #expect(wrong.status == 400 && wrong.json["error"] as? String == "invalid_grant")

            func newCode() async throws -> String {
                try #require(try client.answer(try await browser.get(client.authorizeURL(challenge: Self.challenge)))["code"])
            }
            let noVerifier = try await client.redeem(world, code: try await newCode())
            #expect(noVerifier.json["error"] as? String == "invalid_grant")
            let right = try await client.redeem(world, code: try await newCode(), verifier: Self.verifier)
            #expect(right.status == 200, "\(right.body)")
        }
    }

    @Test func aConfidentialClientThatSentAChallengeMustSendTheVerifier() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let browser = world.browser()
            let url = client.authorizeURL(challenge: Self.challenge)
            let code = try #require(try client.answer(try await browser.firstSignIn(client, as: "u1", contact: "13800138005", url: url))["code"])
            let missing = try await client.redeem(world, code: code)
            #expect(missing.json["error"] as? String == "invalid_grant")
            let code2 = try #require(try client.answer(try await browser.get(url))["code"])
            #expect(try await client.redeem(world, code: code2, verifier: Self.verifier).status == 200)
        }
    }

    @Test func aReusedCodeFailsAndRevokesWhatTheFirstRedemptionIssued() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let browser = world.browser()
            let code = try #require(try client.answer(try await browser.firstSignIn(client, as: "u1", contact: "13800138006"))["code"])
            let first = try await client.redeem(world, code: code)
            let accessToken = try #require(first.json["access_token"] as? String)
            #expect(try await TestRelyingParty.userInfo(world, token: accessToken).status == 200)

            let second = try await client.redeem(world, code: code)
            #expect(second.status == 400 && second.json["error"] as? String == "invalid_grant")
            let refused = try await TestRelyingParty.userInfo(world, token: accessToken)
            #expect(refused.status == 401)
            #expect(refused.headers.first(name: .wwwAuthenticate)?.contains(#"error="invalid_token""#) == true)
        }
    }

    @Test func theRedirectURIAtTheTokenEndpointMustBeTheSameAndCodesExpire() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let browser = world.browser()
            let code = try #require(try client.answer(try await browser.firstSignIn(client, as: "u1", contact: "13800138007"))["code"])
            let wrong = try await client.redeem(world, code: code, redirectURI: "https://shop.example.com/cb2")
            #expect(wrong.status == 400 && wrong.json["error"] as? String == "invalid_grant")
            let late = try #require(try client.answer(try await browser.get(client.authorizeURL()))["code"])
            world.clock.advance(by: 61)
            #expect(try await client.redeem(world, code: late).json["error"] as? String == "invalid_grant")
        }
    }

    @Test func unknownClientsAndUnregisteredRedirectURIsGetAPageNeverARedirect() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let browser = world.browser()
            for url in [client.authorizeURL(clientID: "nobody"),
                        client.authorizeURL(redirectURI: "https://evil.example/cb"),
                        client.authorizeURL(redirectURI: "https://shop.example.com/cb/"),
                        client.authorizeURL(redirectURI: nil).replacingOccurrences(of: "redirect_uri=", with: "x=")] {
                let page = try await browser.get(url)
                #expect(page.status == 400 && page.location == nil, "\(url)")
                #expect(page.body.contains("无法登录到这个应用"))
            }
            try await world.services.oidcClients.revoke(client.clientID, on: world.server.db)
            let revoked = try await browser.get(client.authorizeURL())
            #expect(revoked.status == 400 && revoked.location == nil)
        }
    }

    @Test func aRevokedClientCannotRedeemItsCode() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let code = try #require(try client.answer(try await world.browser().firstSignIn(client, as: "u1", contact: "13800138008"))["code"])
            try await world.services.oidcClients.revoke(client.clientID, on: world.server.db)
            let refused = try await client.redeem(world, code: code)
            #expect(refused.status == 401 && refused.json["error"] as? String == "invalid_client")
            #expect(refused.headers.first(name: .wwwAuthenticate)?.hasPrefix("Basic") == true)
        }
    }

    @Test func requestErrorsGoBackToTheClientWithStateAndIss() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let browser = world.browser()
            let noOpenID = try client.answer(try await browser.get(client.authorizeURL(scope: "profile")))
            #expect(noOpenID["error"] == "invalid_scope" && noOpenID["state"] == "st-123" && noOpenID["iss"] == "http://login.test")
            let token = try client.answer(try await browser.get(
                client.authorizeURL().replacingOccurrences(of: "response_type=code", with: "response_type=token")))
            #expect(token["error"] == "unsupported_response_type")
            let plain = try client.answer(try await browser.get(client.authorizeURL(
                extra: [("code_challenge", Self.challenge), ("code_challenge_method", "plain")])))
            #expect(plain["error"] == "invalid_request")
            let grant = try await TestRelyingParty.post(world, "/oauth/token", form: [("grant_type", "password")],
                authorization: "Basic " + Data("\(client.clientID):\(client.secret ?? "")".utf8).base64EncodedString())
            #expect(grant.status == 400 && grant.json["error"] as? String == "unsupported_grant_type")
            let anonymous = try await TestRelyingParty.post(world, "/oauth/token", form: [("grant_type", "authorization_code")], authorization: nil)
            #expect(anonymous.status == 401 && anonymous.json["error"] as? String == "invalid_client")
            let noToken = try await TestRelyingParty.userInfo(world, token: "not-a-token")
            #expect(noToken.status == 401)
        }
    }

    @Test func aPendingRequestBelongsToItsBrowserAndIsUsedOnce() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let browser = world.browser()
            let authorize = try await browser.get(client.authorizeURL())
            let callback = try await browser.pcLogin(from: authorize, as: "u1")
            _ = callback
            let bound = try await browser.bind(contact: "13800138009")
            let resume = LoginWorld.serverBase + (try #require(bound.location))
            // Another browser (even signed in as someone) cannot take it.
            let other = world.browser()
            let stolen = try await other.get(resume)
            #expect(stolen.status == 400 && stolen.location == nil)
            #expect(try client.answer(try await browser.get(resume))["code"] != nil)
            let again = try await browser.get(resume)
            #expect(again.status == 400 && again.location == nil)
        }
    }

    @Test func insideWeChatTheAuthorizationRunsTheInWeChatSignIn() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            phone.actAsWeChatUser("u2")
            let authorize = try await phone.get(client.authorizeURL(extra: [("ui_locales", "en zh-CN")]))
            let loginPath = try #require(authorize.location)
            #expect(loginPath.hasSuffix("&lang=en"), "ui_locales picks the pages' language")
            let login = try await phone.get(LoginWorld.serverBase + loginPath)
            let weChat = try #require(login.location)
            #expect(weChat.contains("/connect/oauth2/authorize?appid=\(world.officialAccountID)"))
            let toCallback = try await phone.get(weChat)
            let callback = try await phone.get(try #require(toCallback.location))
            #expect(callback.location == "/bind")
            let bound = try await phone.bind(contact: "13800138011")
            let answer = try client.answer(try await phone.get(LoginWorld.serverBase + (try #require(bound.location))))
            let token = try await client.redeem(world, code: try #require(answer["code"]))
            let info = try await TestRelyingParty.userInfo(world, token: try #require(token.json["access_token"] as? String)).json
            let identities = try #require(info["wechat_identities"] as? [[String: Any]])
            #expect(identities.first?["appid"] as? String == world.officialAccountID)
            #expect(identities.first?["app_kind"] as? String == "officialAccount")
        }
    }

    @Test func concurrentContinuesOfOneRequestIssueOneCode() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let browser = world.browser()
            let authorize = try await browser.get(client.authorizeURL())
            _ = try await browser.pcLogin(from: authorize, as: "u1")
            let bound = try await browser.bind(contact: "13800138012")
            let resume = LoginWorld.serverBase + (try #require(bound.location))
            let cookie = browser.serverCookieHeader
            let answers = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await world.serverGET(resume, cookie: cookie, userAgent: Browser.desktopUserAgent).location }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.compactMap { $0 }.filter { $0.hasPrefix(client.redirectURI + "?code=") }.count == 1, "\(answers)")
            #expect(try await world.count(table: AuthorizationCodeStore.table) == 1)
        }
    }

    @Test func concurrentRedemptionsOfOneCodeLetExactlyOneThrough() async throws {
        try await LoginWorld.with { world in
            let client = try await TestRelyingParty.register(world)
            let code = try #require(try client.answer(try await world.browser().firstSignIn(client, as: "u1", contact: "13800138010"))["code"])
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 { group.addTask { try await client.redeem(world, code: code).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == 400 }.count == 7, "\(statuses)")

            // A day after they expired, the sweep removes the code and its token.
            let sweeper = RetentionSweeper(database: world.server.db, clock: world.clock)
            #expect(try await sweeper.sweep().oidcAuthorizations == 0)
            world.clock.advance(by: 3600 + 86_400 + 1)
            #expect(try await sweeper.sweep().oidcAuthorizations == 3, "a used request, the code, the access token")
            #expect(try await world.count(table: AuthorizationCodeStore.table) == 0)
        }
    }

    @Test func discoveryAdvertisesWhatExists() async throws {
        try await LoginWorld.with(adjust: { $0.publicURL = "http://login.test/" }) { world in
            let discovery = try await world.browser().get("\(LoginWorld.serverBase)/.well-known/openid-configuration")
            #expect(discovery.status == 200)
            #expect(discovery.headers.first(name: .cacheControl) == "public, max-age=300")
            let json = discovery.json
            #expect(json["issuer"] as? String == "http://login.test")
            #expect(json["authorization_endpoint"] as? String == "http://login.test/oauth/authorize")
            #expect(json["token_endpoint"] as? String == "http://login.test/oauth/token")
            #expect(json["userinfo_endpoint"] as? String == "http://login.test/oauth/userinfo")
            #expect(json["jwks_uri"] as? String == "http://login.test/oauth/jwks")
            #expect(json["registration_endpoint"] as? String == "http://login.test/oauth/register")
            #expect(json["response_types_supported"] as? [String] == ["code"])
            #expect(json["grant_types_supported"] as? [String] == ["authorization_code", "refresh_token"])
            #expect((json["scopes_supported"] as? [String])?.contains("offline_access") == true)
            #expect(json["id_token_signing_alg_values_supported"] as? [String] == ["RS256", "ES256"])
            #expect(json["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(json["authorization_response_iss_parameter_supported"] as? Bool == true)
            #expect(json["end_session_endpoint"] as? String == "http://login.test/oauth/logout")
            #expect(json["revocation_endpoint"] as? String == "http://login.test/oauth/revoke")
            // The home page says how an app connects, in both languages.
            let home = try await world.browser().get("\(LoginWorld.serverBase)/")
            #expect(home.body.contains("http://login.test/.well-known/openid-configuration") && home.body.contains("注册应用"))
            let english = try await world.browser().get("\(LoginWorld.serverBase)/?lang=en")
            #expect(english.body.contains("Register the app at /oauth/register"))
        }
    }
}
