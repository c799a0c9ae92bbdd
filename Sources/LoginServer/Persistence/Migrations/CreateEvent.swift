import Fluent
import SQLKit

/// The durable event log (`EventLog`): one row per change that matters, in the change's transaction. `id` is
/// assigned by the database in insertion order; indexes serve the audit trail's filters (by user, by type, newest
/// first) and the retention sweep (by time).
struct CreateEvent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(EventLog.table)
            .field("id", .int64, .identifier(auto: true))
            .field("occurred_at", .datetime, .required)
            .field("type", .string, .required)
            .field("user_id", .uuid)
            .field("actor_kind", .string, .required)
            .field("actor_address", .string)
            .field("app_id", .string)
            .field("client_id", .string)
            .field("payload", .string, .required)
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX events_user_id ON events (user_id, id)").run()
        try await sql.raw("CREATE INDEX events_type ON events (type, id)").run()
        try await sql.raw("CREATE INDEX events_occurred_at ON events (occurred_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(EventLog.table).delete()
    }
}
