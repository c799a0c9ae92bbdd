import Fluent

/// The authorization-code flow's three tables: pending authorization requests (a browser on its way through the
/// WeChat sign-in), authorization codes (each one grant), and the access tokens issued under a grant (by `jti`,
/// so a code's reuse or a later revocation ends them).
struct CreateOIDCAuthorization: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuthorizationRequestStore.table)
            .id()
            .field("request_id", .string, .required)
            .field("browser_hash", .string, .required)
            .field("client_id", .string, .required)
            .field("redirect_uri", .string, .required)
            .field("scope", .string, .required)
            .field("state", .string)
            .field("nonce", .string)
            .field("code_challenge", .string)
            .field("fresh_login_required", .bool, .required)
            // The browser's sign-in when the request came (seconds since 1970, exactly as the session holds them):
            // a fresh login must be another one.
            .field("sign_in_seen", .double)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "request_id")
            .create()
        try await database.schema(AuthorizationCodeStore.table)
            .id()
            .field("code_hash", .string, .required)
            .field("grant_id", .string, .required)
            .field("client_id", .string, .required)
            .field("redirect_uri", .string, .required)
            .field("scope", .string, .required)
            .field("nonce", .string)
            .field("code_challenge", .string)
            .field("user_id", .uuid, .required)
            .field("auth_time", .datetime, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("redeemed_at", .datetime)
            .field("grant_revoked_at", .datetime)
            .unique(on: "code_hash")
            .unique(on: "grant_id")
            .create()
        try await database.schema(OIDCAccessTokenStore.table)
            .id()
            .field("jti", .string, .required)
            .field("grant_id", .string, .required)
            .field("client_id", .string, .required)
            .field("user_id", .uuid, .required)
            .field("scope", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .unique(on: "jti")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OIDCAccessTokenStore.table).delete()
        try await database.schema(AuthorizationCodeStore.table).delete()
        try await database.schema(AuthorizationRequestStore.table).delete()
    }
}
