import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import LoginServer

/// Migrations several processes can share (issue 18): every process that opens the database migrates under one lock,
/// so instances started at the same moment on a fresh database migrate it once; `MIGRATE_ON_START=off` refuses a
/// schema that is behind; `wechat-login migrate` and its `--check`. Runs on `TEST_DATABASE_URL`'s PostgreSQL when set
/// (the advisory lock), and on a SQLite file otherwise (separate connections, as separate processes have).
@Suite(.serialized) struct MigrationLockTests {
    /// On PostgreSQL only: SQLite connections in one test process share its blocking thread pool, where a connection
    /// waiting for the write lock spins and starves the holder (`SingleConnectionDatabase`); separate processes on
    /// one file do not share threads.
    @Test(.enabled(if: LoginWorld.defaultDatabase != .sqliteMemory, "needs TEST_DATABASE_URL (PostgreSQL)"))
    func concurrentMigratorsOnAFreshDatabaseMigrateOnce() async throws {
        try await Self.withFreshDatabase { location in
            let apps = try await Self.applications(5)
            do {
                // Each application has its own pool, like a separate process; all start at the same moment.
                let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                    for app in apps {
                        group.addTask {
                            try LoginServer.useDatabase(location, on: app)
                            LoginServer.addMigrations(to: app)
                            return try await SchemaMigrator.run(.migrate, on: app)
                        }
                    }
                    var all: [[String]] = []
                    for try await names in group { all.append(names) }
                    return all
                }
                // One migrator found the schema empty and migrated it; the others, once they held the lock, found
                // nothing pending.
                #expect(applied.filter { !$0.isEmpty }.count == 1)
                let migrated = try #require(applied.first { !$0.isEmpty })
                #expect(migrated.count >= 19)
                let rows = try await apps[0].db.sql()
                    .raw("SELECT name, COUNT(*) AS n FROM _fluent_migrations GROUP BY name").all()
                var counts: [String: Int] = [:]
                for row in rows { counts[try row.decode(column: "name", as: String.self)] = try row.decode(column: "n", as: Int.self) }
                #expect(Set(counts.keys) == Set(migrated))
                #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 })")
                // The schema is usable, and every process now finds it up to date.
                #expect(try await apps[1].db.sql().raw("SELECT COUNT(*) AS n FROM users").first()?
                    .decode(column: "n", as: Int.self) == 0)
                for app in apps { #expect(try await SchemaMigrator.run(.check, on: app) == []) }
                try await Self.shutdown(apps)
            } catch {
                try await Self.shutdown(apps)
                throw error
            }
        }
    }

    /// A SQLite file is opened in WAL mode with a 64 MiB page cache (issue 17: at SQLite's default 2 MB a million
    /// rows' index leaves were read back from the OS on every insert).
    @Test func aSQLiteFileOpensWithWriteAheadLoggingAndItsPageCache() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sqlite-settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let app = try await Application.make(.testing)
        do {
            try await LoginServer.prepareDatabase(.sqliteFile(directory.appendingPathComponent("db.sqlite").path), on: app)
            let sql = try app.db.sql()
            #expect(try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self) == "wal")
            #expect(try await sql.raw("PRAGMA cache_size").first()?.decode(column: "cache_size", as: Int.self)
                == -LoginServer.sqlitePageCacheKiB)
            #expect(LoginServer.sqlitePageCacheKiB == 65_536)
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test func serveWithMigrateOnStartOffRefusesABehindSchema() async throws {
        guard case .postgres = LoginWorld.defaultDatabase else {
            // SQLite always migrates at start (one file, nobody else to run `migrate` first).
            try await Self.withFreshDatabase { location in
                let app = try await Application.make(.testing)
                do {
                    try await LoginServer.prepareDatabase(location, migrate: false, on: app)
                    #expect(try await SchemaMigrator.run(.check, on: app) == [])
                } catch {
                    try await app.asyncShutdown()
                    throw error
                }
                try await app.asyncShutdown()
            }
            return
        }
        try await Self.withFreshDatabase { location in
            var configuration = LoginServerConfiguration(tokenKey: .init(id: "test", key: SymmetricKey(size: .bits256)))
            configuration.database = location
            configuration.migrateOnStart = false
            let refused = try await Application.make(.testing)
            do {
                let error = await #expect(throws: SchemaBehindError.self) {
                    try await LoginServer.configure(refused, configuration)
                }
                #expect(error?.pending.contains { $0.hasSuffix("CreateUser") } == true)
                #expect(error?.description.contains("wechat-login migrate") == true)
                #expect(error?.description.contains("MIGRATE_ON_START=on") == true)
                // Nothing was migrated.
                #expect(try await SchemaMigrator.run(.check, on: refused).count == error?.pending.count)
            } catch {
                try await refused.asyncShutdown()
                throw error
            }
            try await refused.asyncShutdown()

            // After `migrate`, the same setting starts.
            let migrated = try await SchemaMigrationCommand.run(environment: Self.environment(location), checkOnly: false)
            #expect(!migrated.behind && migrated.lines.last?.contains("applied") == true)
            let app = try await Application.make(.testing)
            do {
                try await LoginServer.prepareDatabase(location, migrate: false, on: app)
            } catch {
                try await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        }
    }

    @Test func migrateCommandAppliesAndChecks() async throws {
        try await Self.withFreshDatabase { location in
            let environment = Self.environment(location)
            let behind = try await SchemaMigrationCommand.run(environment: environment, checkOnly: true)
            #expect(behind.behind)
            #expect(behind.lines.contains { $0.hasPrefix("pending: ") && $0.hasSuffix("CreateUser") })
            #expect(behind.lines.last?.contains("run `wechat-login migrate`") == true)
            let applied = try await SchemaMigrationCommand.run(environment: environment, checkOnly: false)
            #expect(!applied.behind)
            #expect(applied.lines.filter { $0.hasPrefix("applied: ") }.count
                    == behind.lines.filter { $0.hasPrefix("pending: ") }.count)
            let again = try await SchemaMigrationCommand.run(environment: environment, checkOnly: false)
            #expect(again.lines == ["up to date"] && !again.behind)
            let check = try await SchemaMigrationCommand.run(environment: environment, checkOnly: true)
            #expect(check.lines == ["up to date"] && !check.behind)
        }
    }

    @Test func migrateOnStartIsReadFromTheEnvironment() throws {
        #expect(try LoginServerConfiguration.fromEnvironment([:], sandbox: true).migrateOnStart)
        #expect(try LoginServerConfiguration.fromEnvironment(["MIGRATE_ON_START": "on"], sandbox: true).migrateOnStart)
        #expect(try !LoginServerConfiguration.fromEnvironment(["MIGRATE_ON_START": " OFF "], sandbox: true).migrateOnStart)
        let error = #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            try LoginServerConfiguration.fromEnvironment(["MIGRATE_ON_START": "sometimes"], sandbox: true)
        }
        #expect(error?.description.contains("MIGRATE_ON_START") == true)
        #expect(try LoginServerConfiguration.database(fromEnvironment: [:]) == .sqliteFile("wechat-login.sqlite"))
        #expect(try LoginServerConfiguration.database(fromEnvironment: ["DATABASE_URL": "sqlite:/tmp/x.sqlite"])
                == .sqliteFile("/tmp/x.sqlite"))
    }

    // MARK: Helpers

    /// `TEST_DATABASE_URL`'s PostgreSQL database, emptied first and reverted after (held exclusively meanwhile), or
    /// a new SQLite file, removed after.
    static func withFreshDatabase(_ body: (LoginServerConfiguration.DatabaseLocation) async throws -> Void) async throws {
        let location = LoginWorld.defaultDatabase
        guard case .postgres = location else {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("migration-lock-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await body(.sqliteFile(directory.appendingPathComponent("db.sqlite").path))
            return
        }
        await ExclusiveGate.shared.acquire()
        do {
            try await revertAll(location)
            try await body(location)
            try await revertAll(location)
        } catch {
            try? await revertAll(location)
            await ExclusiveGate.shared.release()
            throw error
        }
        await ExclusiveGate.shared.release()
    }

    /// Reverts every migration on `location` (the test world's clean-up) and drops the migration log.
    static func revertAll(_ location: LoginServerConfiguration.DatabaseLocation) async throws {
        let app = try await Application.make(.testing)
        do {
            try LoginServer.useDatabase(location, on: app)
            LoginServer.addMigrations(to: app)
            try await app.autoRevert()
            try await app.db.sql().raw("DROP TABLE IF EXISTS _fluent_migrations").run()
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    static func environment(_ location: LoginServerConfiguration.DatabaseLocation) -> [String: String] {
        switch location {
        case .postgres(let url): ["DATABASE_URL": url]
        case .sqliteFile(let path): ["DATABASE_URL": "sqlite:\(path)"]
        case .sqliteMemory: ["DATABASE_URL": "sqlite::memory:"]
        }
    }

    static func applications(_ count: Int) async throws -> [Application] {
        var apps: [Application] = []
        for _ in 0..<count {
            let app = try await Application.make(.testing)
            app.logger.logLevel = .warning
            apps.append(app)
        }
        return apps
    }

    static func shutdown(_ apps: [Application]) async throws {
        for app in apps { try await app.asyncShutdown() }
    }
}
