import Fluent
import Foundation
import SQLKit

extension AuthorizationCodeStore {
    /// Deletes every authorization code issued for `userID` (an unredeemed one can no longer be redeemed, and the
    /// grant of a redeemed one is gone with its tokens); returns how many.
    static func deleteCodes(ofUser userID: UUID, on database: any Database) async throws -> Int {
        try await database.sql().raw("DELETE FROM \(ident: table) WHERE user_id = \(bind: userID) RETURNING id").all().count
    }
}

extension OIDCAccessTokenStore {
    /// Deletes every access token issued for `userID`: the userinfo check needs the token's row, so each one is
    /// refused from the commit on, on every instance; returns how many were still alive.
    static func deleteTokens(ofUser userID: UUID, now: Date, on database: any Database) async throws -> Int {
        try await database.sql().raw("""
            DELETE FROM \(ident: table) WHERE user_id = \(bind: userID) RETURNING revoked_at, expires_at
            """).all().filter {
            try $0.decode(column: "revoked_at", as: Date?.self) == nil && $0.decode(column: "expires_at", as: Date.self) > now
        }.count
    }
}

extension OIDCRefreshTokenStore {
    /// Deletes every refresh token (every family) issued for `userID`: a refresh needs the token's row, so each one
    /// is refused from the commit on; returns how many were still usable.
    ///
    /// Repeated until a pass deletes nothing: on PostgreSQL a rotation that used one of these tokens before the
    /// first pass holds its row, so that pass waits for the rotation's commit — but cannot see the next token the
    /// rotation inserted (the statement's snapshot is older); the next pass does. A rotation that starts later finds
    /// its token deleted. (The access token it issued goes with `OIDCAccessTokenStore.deleteTokens`, run after.)
    static func deleteTokens(ofUser userID: UUID, now: Date, on database: any Database) async throws -> Int {
        var usable = 0
        for _ in 0..<8 {
            let rows = try await database.sql().raw("""
                DELETE FROM \(ident: table) WHERE user_id = \(bind: userID) RETURNING used_at, revoked_at, expires_at
                """).all()
            if rows.isEmpty { break }
            usable += try rows.filter {
                try $0.decode(column: "used_at", as: Date?.self) == nil && $0.decode(column: "revoked_at", as: Date?.self) == nil
                    && $0.decode(column: "expires_at", as: Date.self) > now
            }.count
        }
        return usable
    }
}
