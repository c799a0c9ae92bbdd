import Fluent
import SQLKit
import Vapor

/// Applies the schema's migrations under a database-wide lock, so any number of processes (instances started at
/// the same moment, `wechat-login migrate`, the other commands) can start on one database and the schema is
/// migrated once. Fluent's `autoMigrate` takes no lock: two processes on a fresh database both create the tables.
///
/// Everything runs on one connection held for the whole step: the lock, the check of `_fluent_migrations` and the
/// migrations themselves. On PostgreSQL that connection holds the session-level advisory lock
/// ``advisoryLockKey`` (released after, or by PostgreSQL when the process dies); on SQLite it holds the write lock
/// of a `BEGIN IMMEDIATE` transaction, so a second process waits, and a failed migration leaves nothing behind.
public enum SchemaMigrator {
    /// The PostgreSQL advisory lock key every wechat-login process holds while it migrates: the bytes of
    /// "wlmigrat". Documented in DEPLOYMENT.md, so an operator can see a migration in `pg_locks` or run a manual
    /// change under the same lock.
    public static let advisoryLockKey: Int64 = 0x776C_6D69_6772_6174

    /// What ``run(_:on:)`` does once it holds the lock.
    public enum Mode: Sendable {
        /// Applies every pending migration.
        case migrate
        /// Changes nothing but `_fluent_migrations`' existence; only lists what is pending.
        case check
    }

    /// Under the lock, lists the pending migrations (by name, in order) and, with `.migrate`, applies them.
    /// Returns the names it found pending (and applied, with `.migrate`).
    static func run(_ mode: Mode, on app: Application) async throws -> [String] {
        let migrations = app.migrations
        return try await app.db.withConnection { connection in
            try await locked(connection) {
                let migrator = Migrator(databaseFactory: { _ in connection }, migrations: migrations,
                                        on: connection.eventLoop, migrationLogLevel: .notice)
                try await migrator.setupIfNeeded().get()
                let pending = try await migrator.previewPrepareBatch().get().map { $0.0.name }
                if mode == .migrate, !pending.isEmpty {
                    try await migrator.prepareBatch().get()
                }
                return pending
            }
        }
    }

    /// Runs `body` on `connection` holding the database's migration lock.
    private static func locked<T: Sendable>(_ connection: any Database,
                                            _ body: () async throws -> T) async throws -> T {
        let sql = try connection.sql()
        if sql.dialect.name == "sqlite" {
            try await sql.raw("BEGIN IMMEDIATE").run()
            do {
                let result = try await body()
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
        try await sql.raw("SELECT pg_advisory_lock(\(bind: advisoryLockKey))").run()
        do {
            let result = try await body()
            try await sql.raw("SELECT pg_advisory_unlock(\(bind: advisoryLockKey))").run()
            return result
        } catch {
            try? await sql.raw("SELECT pg_advisory_unlock(\(bind: advisoryLockKey))").run()
            throw error
        }
    }
}

/// `serve` (with `MIGRATE_ON_START=off`) found migrations not yet applied: it does not start on a schema older
/// than its code.
public struct SchemaBehindError: Error, CustomStringConvertible {
    public let pending: [String]

    public var description: String {
        "the database schema is behind: \(pending.count) pending migration(s): \(pending.joined(separator: ", ")). "
            + "Run `wechat-login migrate` with the same DATABASE_URL first, or set MIGRATE_ON_START=on to let "
            + "instances migrate at start (under the database's migration lock)."
    }
}
