import Fluent
import SQLKit

/// The `bind_limit_counters` table (see `BindLimiter`): one count per (scope, subject, window), its windows in
/// seconds since 1970.
struct CreateBindLimitCounter: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("bind_limit_counters")
            .field("scope", .string, .required)
            .field("subject", .string, .required)
            .field("window_start", .int64, .required)
            .field("window_end", .int64, .required)
            .field("count", .int, .required)
            .unique(on: "scope", "subject", "window_start")
            .create()
        try await database.sql().create(index: "bind_limit_counters_window_end").on("bind_limit_counters")
            .column("window_end").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("bind_limit_counters").delete()
    }
}
