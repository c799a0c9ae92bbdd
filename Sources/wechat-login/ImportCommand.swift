import ArgumentParser
import Foundation
import LoginServer

/// `wechat-login import FILE`: loads the business's users (external id, phone, email, name) from CSV or NDJSON.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the business's users from a CSV or NDJSON file (external_id, phone, email, name).",
        discussion: """
            Uses DATABASE_URL, as `serve` does. Idempotent: importing a file twice gives the same users. A checkpoint \
            after each committed batch (FILE.import-state, removed at the end) lets a run after an interruption skip \
            what was done. Rejected lines are reported on stderr with their line numbers. Exit status: 0 when every \
            line was imported, 2 when some lines were rejected (the others were imported), 1 on a fatal error.
            """)

    @Argument(help: "The file to import (.csv, or .ndjson/.jsonl).")
    var file: String

    @Option(help: "csv or ndjson (default: from the file's extension).")
    var format: ImportFormat?

    @Option(help: "Lines per transaction, 1–1000.")
    var batchSize = 1000

    @Option(help: "Write rejected lines here, in the input's format, to fix and import again.")
    var rejects: String?

    @Option(help: "The checkpoint file (default: FILE.import-state).")
    var state: String?

    @Flag(help: "Ignore a checkpoint and start from the first line.")
    var restart = false

    func run() async throws {
        try LogSetup.bootstrap(defaultLevel: .warning)
        let options = UserImportCommand.Options(path: file, format: format, batchSize: batchSize, rejectsPath: rejects,
                                                checkpointPath: state, restart: restart)
        do {
            let result = try await UserImportCommand.run(options, environment: ProcessInfo.processInfo.environment) {
                FileHandle.standardError.write(Data($0.utf8))
            }
            print(result.summary)
            if result.exitStatus != UserImportCommand.exitSuccess { throw ExitCode(result.exitStatus) }
        } catch let error as ImportError {
            FileHandle.standardError.write(Data("import: \(error.description)\n".utf8))
            throw ExitCode(UserImportCommand.exitFatal)
        } catch let error as LoginServerConfiguration.EnvironmentError {
            FileHandle.standardError.write(Data("import: \(error.description)\n".utf8))
            throw ExitCode(UserImportCommand.exitFatal)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            // The database's own description: PostgreSQL's errors hide their details from `description`.
            FileHandle.standardError.write(Data(("import: stopped by a database error; committed batches stay, and "
                + "running the same command again resumes: \(String(reflecting: error))\n").utf8))
            throw ExitCode(UserImportCommand.exitFatal)
        }
    }
}

extension ImportFormat: ExpressibleByArgument {}
