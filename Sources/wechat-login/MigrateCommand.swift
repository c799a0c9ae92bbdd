import ArgumentParser
import Foundation
import LoginServer

/// `wechat-login migrate`: applies pending migrations under the database's migration lock.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply pending database migrations under a lock (safe while other instances start or run).",
        discussion: """
            Uses DATABASE_URL, as `serve` does. Prints each migration it applied, or "up to date". Run it before \
            starting a new version when instances have MIGRATE_ON_START=off.
            """)

    @Flag(name: .customLong("check"), help: "Only list pending migrations; exit status 1 when there are any.")
    var checkOnly = false

    func run() async throws {
        try LogSetup.bootstrap(defaultLevel: .warning)
        let outcome: SchemaMigrationCommand.Outcome
        do {
            outcome = try await SchemaMigrationCommand.run(
                environment: ProcessInfo.processInfo.environment, checkOnly: checkOnly)
        } catch let error as LoginServerConfiguration.EnvironmentError {
            throw ValidationError(error.description)
        }
        print(outcome.lines.joined(separator: "\n"))
        if outcome.behind { throw ExitCode(1) }
    }
}
