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
    func exchange(code: String, redirectURI: String, verifier: String?, client: OIDCClient,
                  on database: any Database) async throws -> Tokens {
        let now = clock.now()
        let grant: AuthorizationCodeStore.Grant
        switch try await AuthorizationCodeStore(database: database).redeem(code, clientID: client.clientID, now: now) {
        case .redeemed(let redeemed): grant = redeemed
        case .reused(let grantID):
            try await OIDCAccessTokenStore(database: database).revokeGrant(grantID, now: now)
            try await OIDCRefreshTokenStore(database: database).revokeFamily(grantID, now: now)
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
        var tokens = try await issueTokens(grantID: grant.grantID, clientID: grant.clientID, userID: grant.userID,
                                           scope: grant.scope, authTime: grant.authTime, nonce: grant.nonce, now: now,
                                           on: database)
        if client.allows(.refreshToken), grant.scope.split(separator: " ").contains("offline_access") {
            let family = OIDCRefreshTokenStore.Family(
                grantID: grant.grantID, clientID: grant.clientID, userID: grant.userID, scope: grant.scope,
                authTime: grant.authTime, familyExpiresAt: now.addingTimeInterval(configuration.refreshTokenMaximumLifetime))
            tokens.refreshToken = try await OIDCRefreshTokenStore(database: database)
                .insert(family, now: now, expiresAt: now.addingTimeInterval(configuration.refreshTokenIdleLifetime))
        }
        return tokens
    }

    func issueTokens(grantID: String, clientID: String, userID: UUID, scope: String, authTime: Date, nonce: String?,
                     now: Date, on database: any Database) async throws -> Tokens {
        let issued = IssuedAccess(clientID: clientID, userID: userID, scope: scope, authTime: authTime, nonce: nonce,
                                  jti: OpaqueToken.random(bytes: 16), issuedAt: now,
                                  expiresAt: now.addingTimeInterval(configuration.tokenLifetime),
                                  externalID: try await externalIDClaim(userID: userID, scope: scope, on: database))
        try await record(issued, grantID: grantID, on: database)
        return try await sign(issued)
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

    /// Signs the access token and the ID token (outside any transaction: the key ring may read the database).
    func sign(_ issued: IssuedAccess) async throws -> Tokens {
        let sub = issued.userID.uuidString.lowercased()
        let accessToken = try await keys.sign(
            AccessTokenClaims(iss: issuer, sub: sub, aud: userInfoEndpoint, client_id: issued.clientID, scope: issued.scope,
                              exp: issued.expiresAt, iat: issued.issuedAt, jti: issued.jti), algorithm: .rs256, type: "at+jwt")
        let idToken = try await keys.sign(
            IDTokenClaims(iss: issuer, sub: sub, aud: issued.clientID, exp: issued.expiresAt, iat: issued.issuedAt,
                          auth_time: issued.authTime, nonce: issued.nonce, azp: issued.clientID, amr: ["wechat"],
                          at_hash: OpaqueToken.leftHalfHash(accessToken), external_id: issued.externalID),
            algorithm: .rs256, type: "JWT")
        return Tokens(accessToken: accessToken, idToken: idToken, scope: issued.scope,
                      expiresIn: Int(configuration.tokenLifetime))
    }

    /// Revokes every refresh and access token of `userID`, at every client (an admin's revocation, an identity
    /// unbound); returns how many were still alive.
    func revokeTokens(of userID: UUID, on database: any Database) async throws -> Int {
        let now = clock.now()
        return try await OIDCRefreshTokenStore(database: database).revokeUser(userID, now: now)
            + OIDCAccessTokenStore(database: database).revokeUser(userID, now: now)
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
