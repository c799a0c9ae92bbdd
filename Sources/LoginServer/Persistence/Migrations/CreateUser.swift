import Fluent

/// The `users` table.
struct CreateUser: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema)
            .id()
            .field("phone", .string)
            .field("email", .string)
            .field("display_name", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "phone")
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).delete()
    }
}
