import Fluent

/// Refresh tokens (RFC 6749 §6): one row per token, only its SHA-256 stored. The tokens of one grant form a family
/// (`grant_id`); a used token keeps its row so that its reuse is recognised and ends the family (RFC 9700 §4.14).
struct CreateOIDCRefreshToken: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OIDCRefreshTokenStore.table)
            .id()
            .field("token_hash", .string, .required)
            .field("grant_id", .string, .required)
            .field("client_id", .string, .required)
            .field("user_id", .uuid, .required)
            .field("scope", .string, .required)
            .field("auth_time", .datetime, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("family_expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OIDCRefreshTokenStore.table).delete()
    }
}
