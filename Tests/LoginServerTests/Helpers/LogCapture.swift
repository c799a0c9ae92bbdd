import Foundation
import Logging
import Synchronization

/// Every log line the server wrote during a test, with its metadata, for "no secret in logs" checks.
final class LogStore: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var all: [String] { lines.withLock { $0 } }
}

/// A log handler that renders each line with its metadata into a `LogStore`.
struct CapturingLogHandler: LogHandler {
    let store: LogStore
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let rendered = merged.map { "\($0)=\($1)" }.sorted().joined(separator: " ")
        store.append("\(event.level) \(event.message) \(rendered)")
    }
}
