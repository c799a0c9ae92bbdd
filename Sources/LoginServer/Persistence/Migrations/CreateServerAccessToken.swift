import Fluent

/// The `server_access_tokens` table.
struct CreateServerAccessToken: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ServerAccessTokenRecord.schema)
            .field("app_id", .string, .identifier(auto: false))
            .field("token_sealed", .string)
            .field("token_hash", .string)
            .field("fetched_at", .datetime)
            .field("expires_at", .datetime)
            .field("lease_holder", .string)
            .field("lease_expires_at", .datetime)
            .field("fetch_day", .string, .required)
            .field("fetches", .int, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ServerAccessTokenRecord.schema).delete()
    }
}
