import Fluent
import SQLKit

/// The `login_sessions` table (see `LoginSessionStore`), replacing Vapor's `_fluent_sessions`, whose rows never
/// expired. Sessions in the old table are dropped with it: their people sign in again once.
struct CreateLoginSession: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LoginSessionStore.schema)
            .field("id_hash", .string, .identifier(auto: false))
            .field("data", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        let sql = try database.sql()
        try await sql.create(index: "login_sessions_expires_at").on(LoginSessionStore.schema).column("expires_at").run()
        try await sql.drop(table: "_fluent_sessions").ifExists().run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LoginSessionStore.schema).delete()
    }
}
