import Foundation
import Testing
@testable import LoginServer

/// Refresh tokens (RFC 6749 §6, RFC 9700 §4.14): issued only with `offline_access`, rotated on every use, a reused
/// one ends its whole family even under concurrent use, scope narrows but never widens, lifetimes slide under a hard
/// cap, and an admin's revocation or an unbound identity ends a user's tokens. On SQLite, or PostgreSQL with
/// `TEST_DATABASE_URL`.
@Suite(.serialized) struct OIDCRefreshTests {
    static let scope = "openid profile offline_access"

    /// A client registered for refresh tokens, signed in as a new person: the token response of its code.
    static func signIn(_ world: LoginWorld, as user: String = "u1", contact: String, scope: String = OIDCRefreshTests.scope,
                       method: ClientMetadata.AuthMethod = .clientSecretBasic) async throws -> (TestRelyingParty, [String: Any]) {
        let client = try await TestRelyingParty.register(world, method: method, scopes: ["openid", "profile", "offline_access"],
                                                         grantTypes: [.authorizationCode, .refreshToken])
        let challenge = method == .none ? OIDCFlowTests.challenge : nil
        let url = client.authorizeURL(scope: scope, challenge: challenge)
        let answer = try client.answer(try await world.browser().firstSignIn(client, as: user, contact: contact, url: url))
        let token = try await client.redeem(world, code: try #require(answer["code"]),
                                            verifier: method == .none ? OIDCFlowTests.verifier : nil)
        #expect(token.status == 200, "\(token.body)")
        return (client, token.json)
    }

    @Test func aRefreshTokenRotatesAndTheUsedOneStops() async throws {
        try await LoginWorld.with { world in
            let (client, first) = try await Self.signIn(world, contact: "13800138101")
            #expect(first["scope"] as? String == Self.scope)
            let refresh1 = try #require(first["refresh_token"] as? String)
            #expect(refresh1.count >= 43)
            let firstID = try await world.services.signingKeys.verify(try #require(first["id_token"] as? String))
                .claims(as: IDTokenClaims.self)

            world.clock.advance(by: 600)
            let second = try await client.refresh(world, token: refresh1)
            #expect(second.status == 200, "\(second.body)")
            #expect(second.headers.first(name: .cacheControl) == "no-store")
            let refresh2 = try #require(second.json["refresh_token"] as? String)
            #expect(refresh2 != refresh1)
            let access2 = try #require(second.json["access_token"] as? String)
            let idClaims = try await world.services.signingKeys.verify(try #require(second.json["id_token"] as? String))
                .claims(as: IDTokenClaims.self)
            #expect(idClaims.sub == firstID.sub && idClaims.aud == client.clientID && idClaims.nonce == nil)
            #expect(idClaims.auth_time == firstID.auth_time, "auth_time stays the original sign-in's (Core §12.2)")
            #expect(idClaims.at_hash == OpaqueToken.leftHalfHash(access2))
            #expect(try await TestRelyingParty.userInfo(world, token: access2).status == 200)

            // The stored form is a hash: the table holds nothing that can be presented.
            let stored = try await world.server.db.sql().raw("SELECT token_hash FROM oidc_refresh_tokens").all()
                .map { try $0.decode(column: "token_hash", as: String.self) }
            #expect(stored.count == 2 && !stored.contains(refresh1) && stored.contains(OpaqueToken.hash(refresh2)))

            let third = try await client.refresh(world, token: refresh2)
            #expect(third.status == 200, "\(third.body)")
            #expect(!world.logs.all.joined(separator: "\n").contains(refresh1))
        }
    }

    @Test func aReusedRefreshTokenRevokesTheWholeFamilyAndItsAccessTokens() async throws {
        try await LoginWorld.with { world in
            let (client, first) = try await Self.signIn(world, contact: "13800138102")
            let refresh1 = try #require(first["refresh_token"] as? String)
            let access1 = try #require(first["access_token"] as? String)
            let second = try await client.refresh(world, token: refresh1)
            let refresh2 = try #require(second.json["refresh_token"] as? String)
            let access2 = try #require(second.json["access_token"] as? String)

            let reused = try await client.refresh(world, token: refresh1)
            #expect(reused.status == 400 && reused.json["error"] as? String == "invalid_grant", "\(reused.body)")
            #expect(reused.headers.first(name: .cacheControl) == "no-store")
            let after = try await client.refresh(world, token: refresh2)
            #expect(after.status == 400 && after.json["error"] as? String == "invalid_grant", "the family ends")
            #expect(try await TestRelyingParty.userInfo(world, token: access1).status == 401)
            #expect(try await TestRelyingParty.userInfo(world, token: access2).status == 401)
        }
    }

    @Test func concurrentUsesOfOneRefreshTokenLetOneThroughAndEndTheFamily() async throws {
        try await LoginWorld.with { world in
            let (client, first) = try await Self.signIn(world, contact: "13800138103")
            let refresh1 = try #require(first["refresh_token"] as? String)
            let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let answer = try await client.refresh(world, token: refresh1)
                        return (answer.status, answer.json["refresh_token"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.filter { $0.0 == 200 }.count == 1, "\(answers.map(\.0))")
            #expect(answers.filter { $0.0 == 400 }.count == 5, "\(answers.map(\.0))")
            let winner = try #require(answers.compactMap(\.1).first)
            let late = try await client.refresh(world, token: winner)
            #expect(late.status == 400 && late.json["error"] as? String == "invalid_grant", "the family ended as reuse")
        }
    }

    @Test func scopeMayNarrowButNeverWiden() async throws {
        try await LoginWorld.with { world in
            let (client, first) = try await Self.signIn(world, contact: "13800138104", scope: "openid offline_access")
            let refresh1 = try #require(first["refresh_token"] as? String)
            let wider = try await client.refresh(world, token: refresh1, scope: "openid profile offline_access")
            #expect(wider.status == 400 && wider.json["error"] as? String == "invalid_scope", "\(wider.body)")
            // A refused scope leaves the token unused.
            let narrower = try await client.refresh(world, token: refresh1, scope: "openid")
            #expect(narrower.status == 200, "\(narrower.body)")
            #expect(narrower.json["scope"] as? String == "openid")
            let refresh2 = try #require(narrower.json["refresh_token"] as? String)
            // The new refresh token keeps the grant's scope (RFC 6749 §6).
            let again = try await client.refresh(world, token: refresh2)
            #expect(again.json["scope"] as? String == "openid offline_access", "\(again.body)")
        }
    }

    @Test func withoutOfflineAccessThereIsNoRefreshToken() async throws {
        try await LoginWorld.with { world in
            let (client, first) = try await Self.signIn(world, contact: "13800138105", scope: "openid profile")
            #expect(first["refresh_token"] == nil)
            let guessed = try await client.refresh(world, token: "not-a-token")
            #expect(guessed.status == 400 && guessed.json["error"] as? String == "invalid_grant")

            // A client not registered for the grant gets no refresh token even when it asks, and cannot refresh.
            let plain = try await TestRelyingParty.register(world, scopes: ["openid", "profile"])
            let answer = try plain.answer(try await world.browser().firstSignIn(
                plain, as: "u2", contact: "13800138106", url: plain.authorizeURL(scope: "openid profile")))
            let token = try await plain.redeem(world, code: try #require(answer["code"]))
            #expect(token.status == 200 && token.json["refresh_token"] == nil)
            let refused = try await plain.refresh(world, token: "anything")
            #expect(refused.status == 400 && refused.json["error"] as? String == "unauthorized_client", "\(refused.body)")
        }
    }

    @Test func aRefreshTokenIsBoundToItsClientAndStopsWithIt() async throws {
        try await LoginWorld.with { world in
            let (client, first) = try await Self.signIn(world, contact: "13800138107", method: .none)
            let refresh1 = try #require(first["refresh_token"] as? String)
            let access1 = try #require(first["access_token"] as? String)
            let (other, _) = try await Self.signIn(world, as: "u2", contact: "13800138108", method: .none)
            let stolen = try await other.refresh(world, token: refresh1)
            #expect(stolen.status == 400 && stolen.json["error"] as? String == "invalid_grant")

            try await world.services.oidcClients.revoke(client.clientID, on: world.server.db)
            let revoked = try await client.refresh(world, token: refresh1)
            #expect(revoked.status == 401 && revoked.json["error"] as? String == "invalid_client")
            #expect(try await TestRelyingParty.userInfo(world, token: access1).status == 401)
        }
    }

    @Test func lifetimesSlideUnderAHardCapAndTheSweepKeepsRevokedFamiliesDead() async throws {
        try await LoginWorld.with { world in
            let (client, first) = try await Self.signIn(world, contact: "13800138109")
            var refresh = try #require(first["refresh_token"] as? String)
            // Used every 29 days, a token lives on, but never past 90 days from the sign-in.
            for _ in 0..<3 {
                world.clock.advance(by: 29 * 86_400)
                let next = try await client.refresh(world, token: refresh)
                #expect(next.status == 200, "\(next.body)")
                refresh = try #require(next.json["refresh_token"] as? String)
            }
            world.clock.advance(by: 3 * 86_400 + 1)
            let capped = try await client.refresh(world, token: refresh)
            #expect(capped.status == 400 && capped.json["error"] as? String == "invalid_grant", "past the 90-day cap")

            let (idle, idleFirst) = try await Self.signIn(world, as: "u2", contact: "13800138110")
            world.clock.advance(by: 30 * 86_400 + 1)
            let expired = try await idle.refresh(world, token: try #require(idleFirst["refresh_token"] as? String))
            #expect(expired.status == 400, "unused for 30 days")

            world.clock.advance(by: 91 * 86_400)
            _ = try await RetentionSweeper(database: world.server.db, clock: world.clock).sweep()
            #expect(try await world.count(table: OIDCRefreshTokenStore.table) == 0)
        }
    }

    @Test func anAdminRevocationEndsTheUsersTokens() async throws {
        try await LoginWorld.with(adjust: { $0.adminToken = OIDCClientRegistrationTests.token }) { world in
            let (client, first) = try await Self.signIn(world, contact: "13800138111")
            let refresh1 = try #require(first["refresh_token"] as? String)
            let access1 = try #require(first["access_token"] as? String)
            let user = try #require(try await UserStore(database: world.server.db).find(.phone("13800138111")))
            let path = "/api/admin/users/\(try #require(user.id))/revoke-tokens"
            let refusedWithoutToken = try await OIDCClientRegistrationTests.send(world, .POST, path, token: nil)
            #expect(refusedWithoutToken.status == 401)
            #expect(try await TestRelyingParty.userInfo(world, token: access1).status == 200)

            let revoked = try await OIDCClientRegistrationTests.send(world, .POST, path)
            #expect(revoked.status == 200, "\(revoked.body)")
            #expect(revoked.json["revokedTokens"] as? Int == 2)
            #expect(try await TestRelyingParty.userInfo(world, token: access1).status == 401)
            let refused = try await client.refresh(world, token: refresh1)
            #expect(refused.status == 400 && refused.json["error"] as? String == "invalid_grant")
            #expect(try await OIDCClientRegistrationTests.send(world, .POST, path).json["revokedTokens"] as? Int == 0)
            let unknown = try await OIDCClientRegistrationTests.send(world, .POST, "/api/admin/users/\(UUID())/revoke-tokens")
            #expect(unknown.status == 404)
        }
    }

    @Test func anAppRevokesItsTokensAtTheRevocationEndpoint() async throws {
        try await LoginWorld.with { world in
            let (client, first) = try await Self.signIn(world, contact: "13800138113")
            let refresh1 = try #require(first["refresh_token"] as? String)
            let access1 = try #require(first["access_token"] as? String)
            let second = try await client.refresh(world, token: refresh1)
            let refresh2 = try #require(second.json["refresh_token"] as? String)
            let access2 = try #require(second.json["access_token"] as? String)

            // Another client's token is answered 200 and left alone.
            let (other, _) = try await Self.signIn(world, as: "u2", contact: "13800138114")
            #expect(try await other.revoke(world, token: access2).status == 200)
            #expect(try await TestRelyingParty.userInfo(world, token: access2).status == 200)

            let accessOnly = try await client.revoke(world, token: access1)
            #expect(accessOnly.status == 200 && accessOnly.headers.first(name: .cacheControl) == "no-store")
            #expect(try await TestRelyingParty.userInfo(world, token: access1).status == 401)
            #expect(try await TestRelyingParty.userInfo(world, token: access2).status == 200)

            #expect(try await client.revoke(world, token: refresh2).status == 200)
            #expect(try await TestRelyingParty.userInfo(world, token: access2).status == 401, "the family's access tokens end")
            #expect(try await client.refresh(world, token: refresh2).status == 400)
            #expect(try await client.revoke(world, token: "unknown").status == 200)
            #expect(try await TestRelyingParty.post(world, "/oauth/revoke", form: [("token", "x")], authorization: nil).status == 401)
        }
    }

    @Test func unbindingAnIdentityEndsTheUsersTokens() async throws {
        try await LoginWorld.with { world in
            let (client, first) = try await Self.signIn(world, contact: "13800138112")
            let refresh1 = try #require(first["refresh_token"] as? String)
            let access1 = try #require(first["access_token"] as? String)
            // The in-WeChat sign-in of the same person joins a second identity by unionid.
            _ = try await world.browser(userAgent: Browser.weChatUserAgent).weChatLogin(as: "u1")
            let user = try #require(try await UserStore(database: world.server.db).find(.phone("13800138112")))
            let accounts = AccountService(database: world.server.db)
            let identities = try await accounts.identities(of: user)
            try #require(identities.count == 2)
            #expect(try await TestRelyingParty.userInfo(world, token: access1).status == 200)

            try await accounts.unbind(identityID: try identities[1].requireID(), from: user, now: world.clock.now())
            #expect(try await TestRelyingParty.userInfo(world, token: access1).status == 401)
            let refused = try await client.refresh(world, token: refresh1)
            #expect(refused.status == 400 && refused.json["error"] as? String == "invalid_grant")
        }
    }
}

extension TestRelyingParty {
    /// `POST /oauth/revoke` (RFC 7009), authenticating as registered.
    func revoke(_ world: LoginWorld, token: String) async throws -> Browser.Result {
        var form = [("token", token)]
        var authorization: String?
        if let secret {
            authorization = "Basic " + Data("\(clientID):\(secret)".utf8).base64EncodedString()
        } else {
            form.append(("client_id", clientID))
        }
        return try await Self.post(world, "/oauth/revoke", form: form, authorization: authorization)
    }

    /// `POST /oauth/token` with `grant_type=refresh_token`, authenticating as registered.
    func refresh(_ world: LoginWorld, token: String, scope: String? = nil) async throws -> Browser.Result {
        var form = [("grant_type", "refresh_token"), ("refresh_token", token)]
        if let scope { form.append(("scope", scope)) }
        var authorization: String?
        if let secret {
            authorization = "Basic " + Data("\(clientID):\(secret)".utf8).base64EncodedString()
        } else {
            form.append(("client_id", clientID))
        }
        return try await Self.post(world, "/oauth/token", form: form, authorization: authorization)
    }
}
