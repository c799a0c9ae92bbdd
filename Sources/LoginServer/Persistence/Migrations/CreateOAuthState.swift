import Fluent

/// The `oauth_states` table.
struct CreateOAuthState: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OAuthStateRecord.schema)
            .field("state", .string, .identifier(auto: false))
            .field("browser_binding_hash", .string, .required)
            .field("app_id", .string, .required)
            .field("flow", .string, .required)
            .field("scope", .string, .required)
            .field("return_to", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("claim_token", .string)
            .field("claimed_at", .datetime)
            .field("completed_at", .datetime)
            .field("identity_id", .uuid, .references(WeChatIdentity.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OAuthStateRecord.schema).delete()
    }
}
