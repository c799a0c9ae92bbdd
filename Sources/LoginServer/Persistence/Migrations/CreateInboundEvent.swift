import Fluent

/// The `inbound_events` and `push_nonces` tables.
struct CreateInboundEvent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(InboundEvent.schema)
            .id()
            .field("dedup_key", .string, .required)
            .field("app_id", .string, .required)
            .field("openid", .string, .required)
            .field("msg_type", .string, .required)
            .field("event", .string)
            .field("fields", .string, .required)
            .field("create_time", .int64, .required)
            .field("received_at", .datetime)
            .unique(on: "dedup_key")
            .create()
        try await database.schema(PushNonce.schema)
            .id()
            .field("nonce", .string, .required)
            .field("timestamp", .int64, .required)
            .field("seen_at", .datetime, .required)
            .unique(on: "timestamp", "nonce")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PushNonce.schema).delete()
        try await database.schema(InboundEvent.schema).delete()
    }
}
