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
    static func deleteTokens(ofUser userID: UUID, now: Date, on database: any Database) async throws -> Int {
        try await database.sql().raw("""
            DELETE FROM \(ident: table) WHERE user_id = \(bind: userID) RETURNING used_at, revoked_at, expires_at
            """).all().filter {
            try $0.decode(column: "used_at", as: Date?.self) == nil && $0.decode(column: "revoked_at", as: Date?.self) == nil
                && $0.decode(column: "expires_at", as: Date.self) > now
        }.count
    }
}
