import Fluent
import SQLKit

/// `users.external_id`: the business's own id for the user, unique when present.
///
/// A plain unique index: SQLite and PostgreSQL both treat NULLs as distinct in one, so every user without an
/// external id passes, and `INSERT … ON CONFLICT` needs no partial-index predicate on either database.
struct AddUserExternalID: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("external_id", .string).update()
        try await database.sql().raw("CREATE UNIQUE INDEX users_external_id ON users (external_id)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX users_external_id").run()
        try await database.schema(User.schema).deleteField("external_id").update()
    }
}
