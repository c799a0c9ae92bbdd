import Fluent

/// The `push_relays` table: one row per push passed on to the business's handler, so that WeChat's retry of it —
/// at any instance — is answered from the row and never forwarded again.
struct CreatePushRelay: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PushRelayStore.table)
            .id()
            .field("dedup_key", .string, .required)
            .field("state", .string, .required)
            .field("reply", .string)
            .field("claimed_at", .datetime, .required)
            .field("finished_at", .datetime)
            .unique(on: "dedup_key")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PushRelayStore.table).delete()
    }
}
