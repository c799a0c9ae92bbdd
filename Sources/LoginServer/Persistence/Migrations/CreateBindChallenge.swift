import Fluent

/// The `bind_challenges` table.
struct CreateBindChallenge: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(BindChallenge.schema)
            .id()
            .field("identity_id", .uuid, .required, .references(WeChatIdentity.schema, .id, onDelete: .cascade))
            .field("channel", .string, .required)
            .field("destination", .string, .required)
            .field("code_hash", .string, .required)
            .field("attempts", .int, .required)
            .field("expires_at", .datetime, .required)
            .field("sent_at", .datetime, .required)
            .field("consumed_at", .datetime)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BindChallenge.schema).delete()
    }
}
