import Fluent
import Foundation

/// The authorization-code flow's rules, free of HTTP: issuing codes, redeeming them for tokens, and checking
/// access tokens. Built once in `makeServices`; every call takes the request's database.
struct OIDCProvider: Sendable {
    let issuer: String
    let configuration: OIDCProviderConfiguration
    let keys: SigningKeyRing
    let clock: any ServerClock

    /// The issuer from the public URL: exactly it, without a trailing slash (Discovery §4.3).
    static func issuer(publicURL: String) -> String {
        var issuer = publicURL
        while issuer.hasSuffix("/") { issuer.removeLast() }
        return issuer
    }

    var userInfoEndpoint: String { issuer + "/oauth/userinfo" }

    /// A new code for `request`, signed in as `userID` at `authTime`.
    func issueCode(for request: AuthorizationRequest, userID: UUID, authTime: Date, on database: any Database) async throws -> String {
        let grant = AuthorizationCodeStore.Grant(
            grantID: UUID().uuidString.lowercased(), clientID: request.clientID, redirectURI: request.redirectURI,
            scope: request.scope, nonce: request.nonce, codeChallenge: request.codeChallenge, userID: userID,
            authTime: authTime)
        return try await AuthorizationCodeStore(database: database)
            .insert(grant, now: clock.now(), lifetime: configuration.codeLifetime)
    }

    /// The token response's content.
    struct Tokens: Sendable {
        var accessToken: String
        var idToken: String
        var scope: String
        var expiresIn: Int
        /// Only when the grant holds `offline_access` and the client registered the `refresh_token` grant.
        var refreshToken: String?
    }

    /// Why a code was not exchanged: `invalid_grant` or `invalid_request` (RFC 6749 §5.2).
    struct GrantError: Error, Equatable {
        var error: String
        var description: String
        /// What the log says (never the code).
        var logReason: String
    }

    /// Exchanges `code` for tokens for the authenticated `client`, checking the redirect URI and the PKCE verifier.
    /// The access token and refresh token rows and `oidc.tokens_issued` are one write transaction; signing follows.
    func exchange(code: String, redirectURI: String, verifier: String?, client: OIDCClient,
                  actor: EventActor = EventActor(kind: .client, address: nil), on database: any Database) async throws -> Tokens {
        let now = clock.now()
        let grant: AuthorizationCodeStore.Grant
        switch try await AuthorizationCodeStore(database: database).redeem(code, clientID: client.clientID, now: now) {
        case .redeemed(let redeemed): grant = redeemed
        case .reused(let grantID):
            try await database.writeTransaction { tx in
                let users = try await OIDCAccessTokenStore(database: tx).revokeGrant(grantID, now: now)
                    + OIDCRefreshTokenStore(database: tx).revokeFamily(grantID, now: now)
                guard !users.isEmpty else { return }
                try await EventLog(database: tx).append(Event(.tokensRevoked, userID: users.first, actor: actor,
                    payload: EventPayload(clientID: client.clientID, reason: "code_reused", grantID: grantID,
                                          count: users.count)), at: now)
            }
            throw GrantError(error: "invalid_grant", description: "The authorization code was already used.",
                             logReason: "code reused; its grant is revoked")
        case .invalid:
            throw GrantError(error: "invalid_grant", description: "The authorization code is invalid or expired.",
                             logReason: "unknown, expired or another client's code")
        }
        guard grant.redirectURI.utf8.elementsEqual(redirectURI.utf8) else {
            throw GrantError(error: "invalid_grant", description: "redirect_uri differs from the authorization request's.",
                             logReason: "redirect_uri mismatch")
        }
        if let challenge = grant.codeChallenge {
            guard let verifier else {
                throw GrantError(error: "invalid_grant", description: "code_verifier is required.", logReason: "no PKCE verifier")
            }
            guard PKCE.verifies(verifier, challenge: challenge) else {
                throw GrantError(error: "invalid_grant", description: "code_verifier does not match the code_challenge.",
                                 logReason: "PKCE verifier mismatch")
            }
        } else if client.metadata.isPublic || verifier != nil {
            throw GrantError(error: "invalid_grant", description: "code_verifier sent for a code without a code_challenge.",
                             logReason: "PKCE verifier without challenge")
        }
        let offline = client.allows(.refreshToken) && grant.scope.split(separator: " ").contains("offline_access")
        let (configuration, grantID) = (self.configuration, grant.grantID)
        let (issued, refreshToken): (IssuedAccess, String?) = try await database.writeTransaction { tx in
            // The user's row, locked as an account deletion locks it first: a code issued by an authorization that
            // was in flight while its user was deleted gets no tokens, and a deletion that comes after this
            // transaction finds the tokens it wrote.
            guard try await UserStore(database: tx).lock(grant.userID) else {
                throw GrantError(error: "invalid_grant", description: "The authorization code is invalid or expired.",
                                 logReason: "the code's user was deleted")
            }
            let issued = IssuedAccess(clientID: grant.clientID, userID: grant.userID, scope: grant.scope,
                                      authTime: grant.authTime, nonce: grant.nonce, jti: OpaqueToken.random(bytes: 16),
                                      issuedAt: now, expiresAt: now.addingTimeInterval(configuration.tokenLifetime),
                                      externalID: try await externalIDClaim(userID: grant.userID, scope: grant.scope, on: tx))
            try await record(issued, grantID: grantID, on: tx)
            var refreshToken: String?
            if offline {
                let family = OIDCRefreshTokenStore.Family(
                    grantID: grantID, clientID: issued.clientID, userID: issued.userID, scope: issued.scope,
                    authTime: issued.authTime, familyExpiresAt: now.addingTimeInterval(configuration.refreshTokenMaximumLifetime))
                refreshToken = try await OIDCRefreshTokenStore(database: tx)
                    .insert(family, now: now, expiresAt: now.addingTimeInterval(configuration.refreshTokenIdleLifetime))
            }
            try await EventLog(database: tx).append(
                Self.issuedEvent(issued, grantID: grantID, grant: "authorization_code", refreshToken: refreshToken != nil,
                                 actor: actor), at: now)
            return (issued, refreshToken)
        }
        var tokens = try await sign(issued, idTokenAlgorithm: client.metadata.idTokenAlgorithm)
        tokens.refreshToken = refreshToken
        return tokens
    }

    /// `oidc.tokens_issued` for an access token (and maybe a refresh token) of `grantID`.
    static func issuedEvent(_ issued: IssuedAccess, grantID: String, grant: String, refreshToken: Bool,
                            actor: EventActor) -> Event {
        Event(.tokensIssued, userID: issued.userID, actor: actor, payload: EventPayload(
            clientID: issued.clientID, grant: grant, grantID: grantID, scope: issued.scope, refreshToken: refreshToken,
            jti: issued.jti))
    }

    /// An access token recorded in `oidc_access_tokens`, and what its tokens say.
    struct IssuedAccess: Sendable {
        var clientID: String
        var userID: UUID
        var scope: String
        var authTime: Date
        var nonce: String?
        var jti: String
        var issuedAt: Date
        var expiresAt: Date
        /// The user's external id when the scope releases it (``OIDCProvider/externalIDClaim(userID:scope:on:)``).
        var externalID: String? = nil
    }

    /// The `external_id` claim: the user's external id when `scope` holds `external_id`, read when the tokens are
    /// issued, so a token carries the id the user had then.
    func externalIDClaim(userID: UUID, scope: String, on database: any Database) async throws -> String? {
        guard scope.split(separator: " ").contains("external_id") else { return nil }
        return try await UserStore(database: database).find(userID)?.externalID
    }

    /// Writes the access token's row (the database half of issuing, so it can share a transaction).
    func record(_ issued: IssuedAccess, grantID: String, on database: any Database) async throws {
        try await OIDCAccessTokenStore(database: database).insert(
            jti: issued.jti, grantID: grantID, clientID: issued.clientID, userID: issued.userID, scope: issued.scope,
            now: issued.issuedAt, expiresAt: issued.expiresAt)
    }

    /// Signs the access token and the ID token (outside any transaction: the key ring may read the database). The
    /// ID token takes the client's registered algorithm; the access token is always RS256, since only this provider
    /// (userinfo, revocation) reads it and RS256 is the one algorithm every RFC 9068 consumer must accept.
    func sign(_ issued: IssuedAccess, idTokenAlgorithm: SigningAlgorithm) async throws -> Tokens {
        let sub = issued.userID.uuidString.lowercased()
        let accessToken = try await keys.sign(
            AccessTokenClaims(iss: issuer, sub: sub, aud: userInfoEndpoint, client_id: issued.clientID, scope: issued.scope,
                              exp: issued.expiresAt, iat: issued.issuedAt, jti: issued.jti), algorithm: .rs256, type: "at+jwt")
        let idToken = try await keys.sign(
            IDTokenClaims(iss: issuer, sub: sub, aud: issued.clientID, exp: issued.expiresAt, iat: issued.issuedAt,
                          auth_time: issued.authTime, nonce: issued.nonce, azp: issued.clientID, amr: ["wechat"],
                          at_hash: OpaqueToken.leftHalfHash(accessToken), external_id: issued.externalID),
            algorithm: idTokenAlgorithm, type: "JWT")
        return Tokens(accessToken: accessToken, idToken: idToken, scope: issued.scope,
                      expiresIn: Int(configuration.tokenLifetime))
    }

    /// Revokes every refresh and access token of `userID`, at every client (an admin's revocation, an identity
    /// unbound); returns how many were still alive.
    func revokeTokens(of userID: UUID, actor: EventActor, on database: any Database) async throws -> Int {
        let now = clock.now()
        return try await database.writeTransaction { tx in
            let count = try await OIDCRefreshTokenStore(database: tx).revokeUser(userID, now: now)
                + OIDCAccessTokenStore(database: tx).revokeUser(userID, now: now)
            if count > 0 {
                try await EventLog(database: tx).append(Event(.tokensRevoked, userID: userID, actor: actor,
                                                              payload: EventPayload(reason: "admin", count: count)), at: now)
            }
            return count
        }
    }

    /// The access token's record when `token` is one of ours that still works: signed by a published key, typed
    /// `at+jwt`, issued here for the userinfo endpoint, unexpired, and neither it, its grant nor its client revoked.
    func activeAccessToken(_ token: String, on database: any Database) async throws -> OIDCAccessTokenStore.Active? {
        guard let verified = try? await keys.verify(token), verified.header.typ == "at+jwt",
              let claims = try? verified.claims(as: AccessTokenClaims.self),
              claims.iss == issuer, claims.aud == userInfoEndpoint, claims.exp > clock.now() else { return nil }
        guard let active = try await OIDCAccessTokenStore(database: database).active(jti: claims.jti, now: clock.now()),
              active.userID.uuidString.lowercased() == claims.sub else { return nil }
        return active
    }
}
