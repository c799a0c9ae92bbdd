import Fluent
import Foundation
import SQLKit

/// The one way to `oidc_access_tokens`: every access token issued, by its `jti`, with the grant it belongs to, so
/// that a signed, unexpired token still stops working once it or its grant is revoked, or its client is.
struct OIDCAccessTokenStore: Sendable {
    static let table = "oidc_access_tokens"

    let database: any Database

    /// Records a token issued under `grantID`.
    func insert(jti: String, grantID: String, clientID: String, userID: UUID, scope: String, now: Date,
                expiresAt: Date) async throws {
        try await database.sql().raw("""
            INSERT INTO oidc_access_tokens (id, jti, grant_id, client_id, user_id, scope, created_at, expires_at)
            VALUES (\(bind: UUID()), \(bind: jti), \(bind: grantID), \(bind: clientID), \(bind: userID), \(bind: scope),
                \(bind: now), \(bind: expiresAt))
            """).run()
    }

    /// Revokes every token of `grantID` (a reused code).
    /// Returns the user of each row it revoked (all the grant's user): their count, and whose they were.
    @discardableResult
    func revokeGrant(_ grantID: String, now: Date) async throws -> [UUID] {
        try await database.sql().raw("""
            UPDATE oidc_access_tokens SET revoked_at = \(bind: now) WHERE grant_id = \(bind: grantID) AND revoked_at IS NULL
            RETURNING user_id
            """).all().map { try $0.decode(column: "user_id", as: UUID.self) }
    }

    /// Revokes `clientID`'s token `jti` (RFC 7009); returns whether it was alive.
    func revoke(jti: String, clientID: String, now: Date) async throws -> Bool {
        try await database.sql().raw("""
            UPDATE oidc_access_tokens SET revoked_at = \(bind: now)
            WHERE jti = \(bind: jti) AND client_id = \(bind: clientID) AND revoked_at IS NULL
            RETURNING id
            """).first() != nil
    }

    /// Revokes every token of `userID` (an admin's revocation, an unbound identity); returns how many were alive.
    func revokeUser(_ userID: UUID, now: Date) async throws -> Int {
        try await database.sql().raw("""
            UPDATE oidc_access_tokens SET revoked_at = \(bind: now)
            WHERE user_id = \(bind: userID) AND revoked_at IS NULL AND expires_at > \(bind: now)
            RETURNING id
            """).all().count
    }

    /// A recorded token that still works: unexpired, not revoked, its grant not revoked, its client active.
    struct Active: Sendable {
        var userID: UUID
        var clientID: String
        var scope: String
    }

    /// The token with this `jti` while it still works; nil otherwise. A grant is dead when its code was reused or a
    /// refresh token of its family revoked (the code's row goes a day after the code expired, while the family's
    /// tokens may live on: hence `NOT EXISTS`, not a join).
    func active(jti: String, now: Date) async throws -> Active? {
        guard let row = try await database.sql().raw("""
            SELECT t.user_id, t.client_id, t.scope FROM oidc_access_tokens t
            JOIN oidc_clients c ON c.client_id = t.client_id
            WHERE t.jti = \(bind: jti) AND t.revoked_at IS NULL AND t.expires_at > \(bind: now) AND c.revoked_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM oidc_authorization_codes g
                              WHERE g.grant_id = t.grant_id AND g.grant_revoked_at IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM oidc_refresh_tokens r
                              WHERE r.grant_id = t.grant_id AND r.revoked_at IS NOT NULL)
            """).first() else { return nil }
        return Active(userID: try row.decode(column: "user_id", as: UUID.self),
                      clientID: try row.decode(column: "client_id", as: String.self),
                      scope: try row.decode(column: "scope", as: String.self))
    }

    /// Deletes rows that expired before `cutoff`; returns how many.
    static func sweep(expiredBefore cutoff: Date, on database: any Database) async throws -> Int {
        try await database.sql().raw("DELETE FROM \(ident: table) WHERE expires_at < \(bind: cutoff) RETURNING id").all().count
    }

    /// What the user's access tokens say about one client and scope, for the person's data export. No `jti`
    /// leaves the store (a `jti` names a bearer token).
    struct ClientSummary: Sendable, Equatable {
        var clientID: String
        var scope: String
        var firstIssuedAt: Date
        var lastIssuedAt: Date
        var activeTokens: Int
    }

    /// One row per client and scope the user was issued access tokens for (grouped by the database).
    func summaries(ofUser userID: UUID, now: Date) async throws -> [ClientSummary] {
        try await database.sql().raw("""
            SELECT client_id, scope, MIN(created_at) AS first_issued, MAX(created_at) AS last_issued,
                COUNT(CASE WHEN revoked_at IS NULL AND expires_at > \(bind: now) THEN 1 END) AS active_tokens
            FROM oidc_access_tokens WHERE user_id = \(bind: userID)
            GROUP BY client_id, scope ORDER BY client_id, scope
            """).all().map { row in
                ClientSummary(
                    clientID: try row.decode(column: "client_id", as: String.self),
                    scope: try row.decode(column: "scope", as: String.self),
                    firstIssuedAt: try row.decode(column: "first_issued", as: Date.self),
                    lastIssuedAt: try row.decode(column: "last_issued", as: Date.self),
                    activeTokens: try row.decode(column: "active_tokens", as: Int.self))
            }
    }
}
