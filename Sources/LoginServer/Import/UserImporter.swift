import Crypto
import Fluent
import Foundation

/// Loads the business's users from a file through ``UserStore/upsert(_:now:by:via:)``, the admin API's own path: a
/// batch of lines per write transaction, a checkpoint after each committed batch, rejected lines reported with
/// their numbers without stopping. Framework-free apart from the `Database` it is handed; the command builds it.
struct UserImporter {
    struct Configuration: Sendable {
        var format: ImportFormat
        /// Lines per transaction, 1…``UserStore/maximumUpsertBatch``.
        var batchSize = UserStore.maximumUpsertBatch
        /// Where the checkpoint lives; `nil` for none.
        var checkpointPath: String?
        /// Start from the top even when a checkpoint matches.
        var restart = false
        /// Where rejected lines are written, in the file's own format, to be fixed and imported again.
        var rejectsPath: String?
        /// Which database the checkpoint belongs to (``ImportCheckpoint/databaseKey(_:)``).
        var databaseKey = ""
    }

    /// What an import did. Counts include those of an earlier run this one resumed.
    struct Summary: Sendable, Equatable {
        var created = 0, updated = 0, unchanged = 0, rejected = 0
        /// The line a resumed run started at, `nil` when it started from the top.
        var resumedAtLine: Int?
        var linesThisRun = 0
        var seconds = 0.0
    }

    let database: any Database
    let configuration: Configuration
    let clock: any ServerClock
    /// Seconds on a monotonic clock, for rates and the progress throttle.
    let uptime: @Sendable () -> Double
    /// Called after each committed batch with the number of batches this run committed: a test's place to fail.
    var afterBatch: @Sendable (Int) async throws -> Void = { _ in }

    func run(bytes: [UInt8], console: inout ImportConsole) async throws -> Summary {
        var reader = try ImportFileReader(format: configuration.format, bytes: bytes)
        var summary = Summary()
        var hasher = SHA256()
        var hashed = 0
        var checkpoint = ImportCheckpoint(fileSize: bytes.count, offset: reader.dataStart, line: reader.position.line,
                                          prefixSHA256: "", databaseSHA256: configuration.databaseKey)
        if !configuration.restart, let path = configuration.checkpointPath,
           let saved = ImportCheckpoint.load(from: path, bytes: bytes, databaseKey: configuration.databaseKey),
           saved.offset >= reader.dataStart {
            checkpoint = saved
            reader.resume(at: saved.offset, line: saved.line)
            (summary.created, summary.updated, summary.unchanged, summary.rejected)
                = (saved.created, saved.updated, saved.unchanged, saved.rejected)
            summary.resumedAtLine = saved.line
        }
        var rejects = try RejectsFile(path: configuration.rejectsPath, header: reader.header,
                                      append: summary.resumedAtLine != nil)
        let started = uptime()
        let startOffset = checkpoint.offset
        var batches = 0
        func progress() -> ImportProgress {
            ImportProgress(bytesDone: checkpoint.offset, totalBytes: bytes.count,
                           bytesThisRun: checkpoint.offset - startOffset, linesThisRun: summary.linesThisRun,
                           elapsed: uptime() - started)
        }
        console.show(progress(), force: true)
        let batchSize = min(max(1, configuration.batchSize), UserStore.maximumUpsertBatch)
        while true {
            var lines: [ImportLine] = []
            var items: [(line: ImportLine, item: UserUpsert)] = []
            while items.count < batchSize, let line = reader.next() {
                lines.append(line)
                if case .success(let item) = line.item { items.append((line, item)) }
            }
            if lines.isEmpty { break }
            let outcomes = try await UserStore(database: database).upsert(
                items.map(\.item), now: clock.now(), by: EventActor(kind: .admin, address: nil), via: "import")
            var refused: [Int: String] = [:]
            for (entry, outcome) in zip(items, outcomes) {
                switch outcome {
                case .created: summary.created += 1
                case .updated: summary.updated += 1
                case .unchanged: summary.unchanged += 1
                case .rejected(let reason): refused[entry.line.line] = reason
                }
            }
            for line in lines {
                let reason: String? = switch line.item {
                case .failure(let invalid): invalid.reason
                case .success: refused[line.line]
                }
                guard let reason else { continue }
                summary.rejected += 1
                console.rejected(line: line.line, reason: reason)
                try rejects.append(bytes[line.range])
            }
            summary.linesThisRun += lines.count
            let position = reader.position
            hasher.update(data: bytes[hashed..<position.offset])
            hashed = position.offset
            (checkpoint.offset, checkpoint.line) = position
            checkpoint.prefixSHA256 = ImportCheckpoint.hex(hasher.finalize())
            (checkpoint.created, checkpoint.updated, checkpoint.unchanged, checkpoint.rejected)
                = (summary.created, summary.updated, summary.unchanged, summary.rejected)
            if let path = configuration.checkpointPath { try checkpoint.save(to: path) }
            console.show(progress())
            batches += 1
            try await afterBatch(batches)
        }
        console.show(progress(), force: true)
        console.finish()
        try rejects.close()
        if let path = configuration.checkpointPath { try? FileManager.default.removeItem(atPath: path) }
        summary.seconds = uptime() - started
        return summary
    }
}

/// The rejected lines as a file of the input's format (a CSV one starts with the header), to fix and import again.
private struct RejectsFile {
    private var handle: FileHandle?

    init(path: String?, header: ArraySlice<UInt8>, append: Bool) throws {
        guard let path else { return }
        let exists = FileManager.default.fileExists(atPath: path)
        if !append || !exists {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ImportError(description: "cannot create the rejects file \(path)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ImportError(description: "cannot write the rejects file \(path)")
        }
        self.handle = handle
        if append && exists {
            try handle.seekToEnd()
        } else if !header.isEmpty {
            try write(header)
        }
    }

    mutating func append(_ record: ArraySlice<UInt8>) throws { try write(record) }

    private func write(_ bytes: ArraySlice<UInt8>) throws {
        guard let handle else { return }
        try handle.write(contentsOf: Data(bytes))
        if bytes.last != UInt8(ascii: "\n") { try handle.write(contentsOf: Data("\n".utf8)) }
    }

    func close() throws { try handle?.close() }
}
