import Fluent
import SQLKit

extension Database {
    /// A transaction that writes. On PostgreSQL it is Fluent's transaction. On SQLite it starts with
    /// `BEGIN IMMEDIATE`, taking the write lock before the first read: a deferred transaction that reads and then
    /// writes fails at once with "database is locked" when another connection wrote in between, whereas an
    /// immediate one waits its turn.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard try sql().dialect.name == "sqlite" else {
            return try await transaction(body)
        }
        return try await withConnection { connection in
            let statements = try connection.sql()
            try await statements.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body(connection)
                try await statements.raw("COMMIT").run()
                return result
            } catch {
                try? await statements.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}
