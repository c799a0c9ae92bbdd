import Fluent
import Foundation

extension OIDCProvider {
    /// `grant_type=refresh_token` (RFC 6749 §6): uses `token` once and answers with new access and ID tokens and a
    /// new refresh token of the same family (RFC 9700 §4.14 rotation). A token presented again revokes its whole
    /// family and the family's access tokens. `scope` may narrow the new access token's scope, never widen it; the
    /// new refresh token keeps the grant's scope. The database work is one transaction (a refused scope leaves the
    /// token unused; a concurrent reuse sees the rotation whole, so it also revokes the token the rotation wrote);
    /// signing follows the commit, since the key ring may itself read the database.
    func refresh(token: String, scope requested: String?, client: OIDCClient, on database: any Database) async throws -> Tokens {
        guard client.allows(.refreshToken) else {
            throw GrantError(error: "unauthorized_client", description: "The client is not registered for refresh_token.",
                             logReason: "refresh_token grant not registered")
        }
        let now = clock.now()
        let outcome: Result<(IssuedAccess, String), GrantError> = try await database.writeTransaction { db in
            let store = OIDCRefreshTokenStore(database: db)
            switch try await store.use(token, clientID: client.clientID, now: now) {
            case .rotated(let family):
                let scope = try Self.narrow(family.scope, to: requested)
                let issued = IssuedAccess(
                    clientID: family.clientID, userID: family.userID, scope: scope,
                    authTime: family.authTime, nonce: nil, jti: OpaqueToken.random(bytes: 16), issuedAt: now,
                    expiresAt: now.addingTimeInterval(configuration.tokenLifetime),
                    externalID: try await externalIDClaim(userID: family.userID, scope: scope, on: db))
                try await record(issued, grantID: family.grantID, on: db)
                let next = try await store.insert(
                    family, now: now, expiresAt: now.addingTimeInterval(configuration.refreshTokenIdleLifetime))
                return .success((issued, next))
            case .reused(let grantID):
                try await OIDCAccessTokenStore(database: db).revokeGrant(grantID, now: now)
                return .failure(GrantError(error: "invalid_grant", description: "The refresh token was already used.",
                                           logReason: "refresh token reused; its family is revoked"))
            case .invalid:
                return .failure(GrantError(error: "invalid_grant", description: "The refresh token is invalid or expired.",
                                           logReason: "unknown, expired or another client's refresh token"))
            }
        }
        let (issued, next) = try outcome.get()
        var tokens = try await sign(issued)
        tokens.refreshToken = next
        return tokens
    }

    /// The access token's scope: the grant's, or the asked subset of it (`openid` kept, so an ID token follows).
    static func narrow(_ granted: String, to requested: String?) throws(GrantError) -> String {
        guard let requested else { return granted }
        let grantedScopes = granted.split(separator: " ").map(String.init)
        var asked: [String] = []
        for scope in requested.split(separator: " ").map(String.init) where !asked.contains(scope) { asked.append(scope) }
        guard asked.allSatisfy(grantedScopes.contains) else {
            throw GrantError(error: "invalid_scope", description: "scope may only narrow the granted scope.",
                             logReason: "refresh asked to widen the scope")
        }
        guard asked.contains("openid") else {
            throw GrantError(error: "invalid_scope", description: "scope must contain openid.", logReason: "refresh without openid")
        }
        return asked.joined(separator: " ")
    }
}

extension OIDCProvider {
    /// The claims of an `id_token_hint` (RP-Initiated Logout §2): signed by a published key, an ID token of this
    /// issuer. An expired one is accepted, as the specification allows; nil for anything else.
    func idTokenHint(_ token: String) async -> IDTokenClaims? {
        guard let verified = try? await keys.verify(token), verified.header.typ == "JWT",
              let claims = try? verified.claims(as: IDTokenClaims.self), claims.iss == issuer else { return nil }
        return claims
    }
}

extension OIDCProvider {
    /// RFC 7009: revokes `token` when it is `client`'s refresh token (its whole family and the family's access
    /// tokens) or `client`'s access token; returns whether something was revoked.
    func revoke(token: String, client: OIDCClient, on database: any Database) async throws -> Bool {
        let now = clock.now()
        if let grantID = try await OIDCRefreshTokenStore(database: database).family(of: token, clientID: client.clientID) {
            try await OIDCRefreshTokenStore(database: database).revokeFamily(grantID, now: now)
            try await OIDCAccessTokenStore(database: database).revokeGrant(grantID, now: now)
            return true
        }
        guard let verified = try? await keys.verify(token), verified.header.typ == "at+jwt",
              let claims = try? verified.claims(as: AccessTokenClaims.self), claims.iss == issuer,
              claims.client_id == client.clientID else { return false }
        return try await OIDCAccessTokenStore(database: database).revoke(jti: claims.jti, clientID: client.clientID, now: now)
    }
}
