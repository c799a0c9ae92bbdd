import Fluent
import Foundation

extension OIDCProvider {
    /// `grant_type=refresh_token` (RFC 6749 §6): uses `token` once and answers with new access and ID tokens and a
    /// new refresh token of the same family (RFC 9700 §4.14 rotation). A token presented again revokes its whole
    /// family and the family's access tokens. `scope` may narrow the new access token's scope, never widen it; the
    /// new refresh token keeps the grant's scope. The database work is one transaction (a refused scope leaves the
    /// token unused; a concurrent reuse sees the rotation whole, so it also revokes the token the rotation wrote);
    /// signing follows the commit, since the key ring may itself read the database.
    func refresh(token: String, scope requested: String?, client: OIDCClient,
                 actor: EventActor = EventActor(kind: .client, address: nil), on database: any Database) async throws -> Tokens {
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
                try await EventLog(database: db).append(Self.issuedEvent(
                    issued, grantID: family.grantID, grant: "refresh_token", refreshToken: true, actor: actor), at: now)
                return .success((issued, next))
            case .reused(let grantID, let revoked):
                // `use` revoked the family's refresh tokens; its access tokens go now. One event for both, when
                // anything was still alive (a dead family presented again announces nothing).
                let users = try await revoked + OIDCAccessTokenStore(database: db).revokeGrant(grantID, now: now)
                if !users.isEmpty {
                    try await EventLog(database: db).append(Event(.tokensRevoked, userID: users.first, actor: actor,
                        payload: EventPayload(clientID: client.clientID, reason: "refresh_token_reused", grantID: grantID,
                                              count: users.count)), at: now)
                }
                return .failure(GrantError(error: "invalid_grant", description: "The refresh token was already used.",
                                           logReason: "refresh token reused; its family is revoked"))
            case .invalid:
                return .failure(GrantError(error: "invalid_grant", description: "The refresh token is invalid or expired.",
                                           logReason: "unknown, expired or another client's refresh token"))
            }
        }
        let (issued, next) = try outcome.get()
        var tokens = try await sign(issued, idTokenAlgorithm: client.metadata.idTokenAlgorithm)
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
    /// Each revocation commits with its `oidc.tokens_revoked` event (the key ring's check runs before, outside).
    func revoke(token: String, client: OIDCClient, actor: EventActor = EventActor(kind: .client, address: nil),
                on database: any Database) async throws -> Bool {
        let now = clock.now()
        if let grantID = try await OIDCRefreshTokenStore(database: database).family(of: token, clientID: client.clientID) {
            try await database.writeTransaction { tx in
                let users = try await OIDCRefreshTokenStore(database: tx).revokeFamily(grantID, now: now)
                    + OIDCAccessTokenStore(database: tx).revokeGrant(grantID, now: now)
                guard !users.isEmpty else { return }
                try await EventLog(database: tx).append(Event(.tokensRevoked, userID: users.first, actor: actor,
                    payload: EventPayload(clientID: client.clientID, reason: "client_revocation", grantID: grantID,
                                          count: users.count)), at: now)
            }
            return true
        }
        guard let verified = try? await keys.verify(token), verified.header.typ == "at+jwt",
              let claims = try? verified.claims(as: AccessTokenClaims.self), claims.iss == issuer,
              claims.client_id == client.clientID else { return false }
        let userID = UUID(uuidString: claims.sub)
        return try await database.writeTransaction { tx in
            guard try await OIDCAccessTokenStore(database: tx).revoke(jti: claims.jti, clientID: client.clientID, now: now)
            else { return false }
            try await EventLog(database: tx).append(Event(.tokensRevoked, userID: userID, actor: actor, payload: EventPayload(
                clientID: client.clientID, reason: "client_revocation", jti: claims.jti, count: 1)), at: now)
            return true
        }
    }
}
