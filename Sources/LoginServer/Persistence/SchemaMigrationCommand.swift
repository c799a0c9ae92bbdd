import Foundation
import Vapor

/// `wechat-login migrate`: the deploy step that brings the schema up to date before new instances start. It lives in
/// the server (not with the runners) because it needs only the server's migrations and `DATABASE_URL`.
public enum SchemaMigrationCommand {
    /// What the command prints, and whether the schema is (still) behind: with `checkOnly`, pending migrations make
    /// `behind` true, so a deploy script can stop on the exit status.
    public struct Outcome: Sendable {
        public let lines: [String]
        public let behind: Bool
    }

    /// Applies the pending migrations under the migration lock (or, with `checkOnly`, only lists them).
    public static func run(environment: [String: String], checkOnly: Bool) async throws -> Outcome {
        let location = try LoginServerConfiguration.database(fromEnvironment: environment)
        let app = try await Application.make(Environment(name: "production", arguments: ["wechat-login"]))
        do {
            try LoginServer.useDatabase(location, on: app)
            LoginServer.addMigrations(to: app)
            let pending = try await SchemaMigrator.run(checkOnly ? .check : .migrate, on: app)
            try await app.asyncShutdown()
            return outcome(pending: pending, checkOnly: checkOnly)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// The lines for `pending` migrations, found (`checkOnly`) or applied.
    static func outcome(pending: [String], checkOnly: Bool) -> Outcome {
        if pending.isEmpty { return Outcome(lines: ["up to date"], behind: false) }
        let verb = checkOnly ? "pending" : "applied"
        return Outcome(lines: pending.map { "\(verb): \($0)" }
                           + ["\(pending.count) migration(s) \(verb)" + (checkOnly ? "; run `wechat-login migrate`" : "")],
                       behind: checkOnly)
    }
}
