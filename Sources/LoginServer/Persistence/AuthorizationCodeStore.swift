import Fluent
import Foundation
import SQLKit

/// The one way to `oidc_authorization_codes`: one row per code and per grant. The code itself is never stored,
/// only its SHA-256. Redemption is one conditional `UPDATE … RETURNING` (exactly one of concurrent redemptions
/// wins); a second redemption marks the grant revoked (RFC 6749 §4.1.2), which ends every access token issued
/// under it whenever it was written (`OIDCAccessTokenStore.active` checks the grant).
struct AuthorizationCodeStore: Sendable {
    static let table = "oidc_authorization_codes"

    let database: any Database

    /// What a code was issued for.
    struct Grant: Sendable, Equatable {
        var grantID: String
        var clientID: String
        var redirectURI: String
        var scope: String
        var nonce: String?
        var codeChallenge: String?
        var userID: UUID
        var authTime: Date
    }

    /// Stores a new code for `grant`; returns the code (shown only in the redirect to the client).
    func insert(_ grant: Grant, now: Date, lifetime: TimeInterval) async throws -> String {
        let code = OpaqueToken.random(bytes: 32)
        try await database.sql().raw("""
            INSERT INTO oidc_authorization_codes (id, code_hash, grant_id, client_id, redirect_uri, scope, nonce,
                code_challenge, user_id, auth_time, created_at, expires_at)
            VALUES (\(bind: UUID()), \(bind: OpaqueToken.hash(code)), \(bind: grant.grantID), \(bind: grant.clientID),
                \(bind: grant.redirectURI), \(bind: grant.scope), \(bind: grant.nonce), \(bind: grant.codeChallenge),
                \(bind: grant.userID), \(bind: grant.authTime), \(bind: now), \(bind: now.addingTimeInterval(lifetime)))
            """).run()
        return code
    }

    /// What a redemption met.
    enum Redemption: Sendable, Equatable {
        case redeemed(Grant)
        /// Already redeemed: the grant is now revoked.
        case reused(grantID: String)
        /// Unknown, expired, or another client's.
        case invalid
    }

    /// Redeems `code` for `clientID`: the first redemption of an unexpired code gets its grant; a later one revokes
    /// the grant.
    func redeem(_ code: String, clientID: String, now: Date) async throws -> Redemption {
        let hash = OpaqueToken.hash(code)
        let sql = try database.sql()
        if let row = try await sql.raw("""
            UPDATE oidc_authorization_codes SET redeemed_at = \(bind: now)
            WHERE code_hash = \(bind: hash) AND client_id = \(bind: clientID) AND redeemed_at IS NULL
              AND expires_at > \(bind: now)
            RETURNING grant_id, client_id, redirect_uri, scope, nonce, code_challenge, user_id, auth_time
            """).first() {
            return .redeemed(Grant(
                grantID: try row.decode(column: "grant_id", as: String.self),
                clientID: try row.decode(column: "client_id", as: String.self),
                redirectURI: try row.decode(column: "redirect_uri", as: String.self),
                scope: try row.decode(column: "scope", as: String.self),
                nonce: try row.decode(column: "nonce", as: String?.self),
                codeChallenge: try row.decode(column: "code_challenge", as: String?.self),
                userID: try row.decode(column: "user_id", as: UUID.self),
                authTime: try row.decode(column: "auth_time", as: Date.self)))
        }
        if let row = try await sql.raw("""
            UPDATE oidc_authorization_codes SET grant_revoked_at = COALESCE(grant_revoked_at, \(bind: now))
            WHERE code_hash = \(bind: hash) AND client_id = \(bind: clientID) AND redeemed_at IS NOT NULL
            RETURNING grant_id
            """).first() {
            return .reused(grantID: try row.decode(column: "grant_id", as: String.self))
        }
        return .invalid
    }

    /// Deletes rows that expired before `cutoff`; returns how many.
    static func sweep(expiredBefore cutoff: Date, on database: any Database) async throws -> Int {
        try await database.sql().raw("DELETE FROM \(ident: table) WHERE expires_at < \(bind: cutoff) RETURNING id").all().count
    }
}
