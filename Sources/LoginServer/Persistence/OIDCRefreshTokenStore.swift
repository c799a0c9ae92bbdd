import Fluent
import Foundation
import SQLKit

/// The one way to `oidc_refresh_tokens`. A token is used once: rotation is one conditional `UPDATE … RETURNING`
/// (of concurrent uses exactly one wins). Presenting a used token marks every token of its family revoked; a
/// family with a revoked row is dead for good — `rotate` refuses every token of it, and `OIDCAccessTokenStore.active`
/// refuses the family's access tokens — so a token written by a rotation that raced the revocation dies too.
struct OIDCRefreshTokenStore: Sendable {
    static let table = "oidc_refresh_tokens"

    let database: any Database

    /// What a refresh token stands for: the grant it continues.
    struct Family: Sendable, Equatable {
        var grantID: String
        var clientID: String
        var userID: UUID
        /// The scope of the original grant; a rotation keeps it (RFC 6749 §6), only access tokens narrow.
        var scope: String
        var authTime: Date
        /// The hard cap: no token of the family lives past it, however often it is used.
        var familyExpiresAt: Date
    }

    /// Stores a new token of `family`, alive until `expiresAt`; returns the token (shown only to the client).
    func insert(_ family: Family, now: Date, expiresAt: Date) async throws -> String {
        let token = OpaqueToken.random(bytes: 32)
        try await database.sql().raw("""
            INSERT INTO oidc_refresh_tokens (id, token_hash, grant_id, client_id, user_id, scope, auth_time, created_at,
                expires_at, family_expires_at)
            VALUES (\(bind: UUID()), \(bind: OpaqueToken.hash(token)), \(bind: family.grantID), \(bind: family.clientID),
                \(bind: family.userID), \(bind: family.scope), \(bind: family.authTime), \(bind: now),
                \(bind: min(expiresAt, family.familyExpiresAt)), \(bind: family.familyExpiresAt))
            """).run()
        return token
    }

    /// What presenting a token met.
    enum Use: Sendable, Equatable {
        /// The token was unused and alive: it is used now.
        case rotated(Family)
        /// Already used (or its family revoked): the family is revoked now; `revoked` lists the user of each refresh
        /// token this presentation revoked (empty when the family was dead already).
        case reused(grantID: String, revoked: [UUID])
        /// Unknown, expired, or another client's.
        case invalid
    }

    /// Uses `token` for `clientID`: the first use of a live token of a live family gets its family; a later one
    /// revokes the family.
    func use(_ token: String, clientID: String, now: Date) async throws -> Use {
        let hash = OpaqueToken.hash(token)
        let sql = try database.sql()
        if let row = try await sql.raw("""
            UPDATE oidc_refresh_tokens SET used_at = \(bind: now)
            WHERE token_hash = \(bind: hash) AND client_id = \(bind: clientID) AND used_at IS NULL
              AND revoked_at IS NULL AND expires_at > \(bind: now)
              AND NOT EXISTS (SELECT 1 FROM oidc_refresh_tokens f
                              WHERE f.grant_id = oidc_refresh_tokens.grant_id AND f.revoked_at IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM oidc_authorization_codes g
                              WHERE g.grant_id = oidc_refresh_tokens.grant_id AND g.grant_revoked_at IS NOT NULL)
            RETURNING grant_id, client_id, user_id, scope, auth_time, family_expires_at
            """).first() {
            return .rotated(Family(
                grantID: try row.decode(column: "grant_id", as: String.self),
                clientID: try row.decode(column: "client_id", as: String.self),
                userID: try row.decode(column: "user_id", as: UUID.self),
                scope: try row.decode(column: "scope", as: String.self),
                authTime: try row.decode(column: "auth_time", as: Date.self),
                familyExpiresAt: try row.decode(column: "family_expires_at", as: Date.self)))
        }
        guard let row = try await sql.raw("""
            SELECT grant_id FROM oidc_refresh_tokens
            WHERE token_hash = \(bind: hash) AND client_id = \(bind: clientID)
              AND (used_at IS NOT NULL OR revoked_at IS NOT NULL)
            """).first() else { return .invalid }
        let grantID = try row.decode(column: "grant_id", as: String.self)
        return .reused(grantID: grantID, revoked: try await revokeFamily(grantID, now: now))
    }

    /// The family of `token` when it is `clientID`'s, used or not.
    func family(of token: String, clientID: String) async throws -> String? {
        try await database.sql().raw("""
            SELECT grant_id FROM oidc_refresh_tokens WHERE token_hash = \(bind: OpaqueToken.hash(token)) AND client_id = \(bind: clientID)
            """).first()?.decode(column: "grant_id", as: String.self)
    }

    /// Revokes every token of the family `grantID` (idempotent).
    /// Returns the user of each row it revoked (all the grant's user): their count, and whose they were.
    @discardableResult
    func revokeFamily(_ grantID: String, now: Date) async throws -> [UUID] {
        try await database.sql().raw("""
            UPDATE oidc_refresh_tokens SET revoked_at = \(bind: now) WHERE grant_id = \(bind: grantID) AND revoked_at IS NULL
            RETURNING user_id
            """).all().map { try $0.decode(column: "user_id", as: UUID.self) }
    }

    /// Revokes every refresh token of `userID`; returns how many were still alive.
    func revokeUser(_ userID: UUID, now: Date) async throws -> Int {
        try await database.sql().raw("""
            UPDATE oidc_refresh_tokens SET revoked_at = \(bind: now)
            WHERE user_id = \(bind: userID) AND revoked_at IS NULL
            RETURNING id
            """).all().count
    }

    /// Deletes rows that expired before `cutoff`, except revoked ones, which stay until their family's cap has
    /// passed (they are what keeps a revoked family dead); returns how many.
    static func sweep(expiredBefore cutoff: Date, on database: any Database) async throws -> Int {
        try await database.sql().raw("""
            DELETE FROM \(ident: table)
            WHERE family_expires_at < \(bind: cutoff) OR (expires_at < \(bind: cutoff) AND revoked_at IS NULL)
            RETURNING id
            """).all().count
    }

    /// What the user's refresh tokens say about one client and scope, for the person's data export: when tokens
    /// were first and last issued, and how many families still hold a live token. No token hash leaves the store.
    struct ClientSummary: Sendable, Equatable {
        var clientID: String
        var scope: String
        var firstIssuedAt: Date
        var lastIssuedAt: Date
        var activeFamilies: Int
    }

    /// One row per client and scope the user was issued refresh tokens for (bounded by the clients, not the
    /// tokens: the database groups them).
    func summaries(ofUser userID: UUID, now: Date) async throws -> [ClientSummary] {
        try await database.sql().raw("""
            SELECT client_id, scope, MIN(created_at) AS first_issued, MAX(created_at) AS last_issued,
                COUNT(DISTINCT CASE WHEN revoked_at IS NULL AND used_at IS NULL AND expires_at > \(bind: now)
                    THEN grant_id END) AS active_families
            FROM oidc_refresh_tokens WHERE user_id = \(bind: userID)
            GROUP BY client_id, scope ORDER BY client_id, scope
            """).all().map { row in
                ClientSummary(
                    clientID: try row.decode(column: "client_id", as: String.self),
                    scope: try row.decode(column: "scope", as: String.self),
                    firstIssuedAt: try row.decode(column: "first_issued", as: Date.self),
                    lastIssuedAt: try row.decode(column: "last_issued", as: Date.self),
                    activeFamilies: try row.decode(column: "active_families", as: Int.self))
            }
    }
}
