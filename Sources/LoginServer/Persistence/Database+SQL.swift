import Fluent
import SQLKit

extension Database {
    /// This database as SQLKit's; the server's databases (SQLite, PostgreSQL) always are.
    func sql() throws -> any SQLDatabase {
        guard let sql = self as? any SQLDatabase else { throw NotSQLDatabase() }
        return sql
    }
}

/// The database driver does not speak SQL (never the case with the server's SQLite and PostgreSQL drivers).
struct NotSQLDatabase: Error, CustomStringConvertible {
    var description: String { "the database is not an SQL database" }
}
