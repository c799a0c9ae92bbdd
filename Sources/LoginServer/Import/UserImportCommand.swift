import Foundation
import Vapor

/// `wechat-login import FILE`: what the command line hands over, and what it gets back. Opens `DATABASE_URL` (as
/// `serve` does, migrations included), reads the file and runs ``UserImporter``.
public enum UserImportCommand {
    public struct Options: Sendable {
        public var path: String
        public var format: ImportFormat?
        public var batchSize: Int
        public var rejectsPath: String?
        public var checkpointPath: String?
        public var restart: Bool

        public init(path: String, format: ImportFormat?, batchSize: Int, rejectsPath: String?, checkpointPath: String?,
                    restart: Bool) {
            (self.path, self.format, self.batchSize, self.rejectsPath, self.checkpointPath, self.restart)
                = (path, format, batchSize, rejectsPath, checkpointPath, restart)
        }
    }

    /// Exit statuses, documented in docs/DEPLOYMENT.md: every line imported; some lines rejected (the others were);
    /// a fatal error (nothing more was written; running again resumes).
    public static let exitSuccess: Int32 = 0
    public static let exitSomeRejected: Int32 = 2
    public static let exitFatal: Int32 = 1

    /// Runs the import; progress and rejected lines go to `stderr`, the summary is returned. Throws
    /// ``ImportError`` (or the database's error) for a fatal error.
    public static func run(_ options: Options, environment: [String: String],
                           stderr: @escaping (String) -> Void) async throws -> (summary: String, exitStatus: Int32) {
        guard let format = options.format ?? ImportFormat(path: options.path) else {
            throw ImportError(description: "cannot tell the format from the file name \(options.path); use --format csv or --format ndjson")
        }
        guard (1...UserStore.maximumUpsertBatch).contains(options.batchSize) else {
            throw ImportError(description: "--batch-size must be 1–\(UserStore.maximumUpsertBatch)")
        }
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: options.path), options: .alwaysMapped))
        } catch {
            throw ImportError(description: "cannot read \(options.path): \(error.localizedDescription)")
        }
        var location = LoginServerConfiguration.DatabaseLocation.sqliteFile("wechat-login.sqlite")  // serve's default
        if let url = environment[LoginServerConfiguration.Variable.databaseURL]?
            .trimmingCharacters(in: .whitespacesAndNewlines), !url.isEmpty {
            location = try LoginServerConfiguration.parseDatabase(url)
        }
        let app = try await Application.make(Environment(name: "production", arguments: ["wechat-login"]))
        do {
            try await LoginServer.prepareDatabase(location, on: app)
            let configuration = UserImporter.Configuration(
                format: format, batchSize: options.batchSize,
                checkpointPath: options.checkpointPath ?? options.path + ".import-state", restart: options.restart,
                rejectsPath: options.rejectsPath, databaseKey: ImportCheckpoint.databaseKey(location))
            let importer = UserImporter(database: app.db, configuration: configuration, clock: SystemServerClock(),
                                        uptime: { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 })
            var console = ImportConsole(isTerminal: isatty(STDERR_FILENO) == 1, write: stderr)
            let summary = try await importer.run(bytes: bytes, console: &console)
            try await app.asyncShutdown()
            return (report(summary), summary.rejected > 0 ? exitSomeRejected : exitSuccess)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// The closing summary.
    static func report(_ summary: UserImporter.Summary) -> String {
        let rate = summary.seconds > 0 ? Int((Double(summary.linesThisRun) / summary.seconds).rounded()) : 0
        var text = "created \(summary.created), updated \(summary.updated), unchanged \(summary.unchanged), "
            + "rejected \(summary.rejected); \(summary.linesThisRun) lines in "
            + String(format: "%.1f", summary.seconds) + " s (\(rate) lines/s)"
        if let line = summary.resumedAtLine {
            text += "; resumed at line \(line), counts include the interrupted run"
        }
        return text
    }
}
