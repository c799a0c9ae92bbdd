import Fluent
import SQLKit

/// `bind_challenges.purpose`: a challenge proves either a binding (every row before this migration) or a
/// signed-in person's new phone or email.
struct AddBindChallengePurpose: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(BindChallenge.schema)
            .field("purpose", .string, .required, .sql(.default(SQLLiteral.string(BindChallenge.Purpose.bind.rawValue))))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BindChallenge.schema).deleteField("purpose").update()
    }
}
