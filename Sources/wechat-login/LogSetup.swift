import ArgumentParser
import Foundation
import Logging
import LoginServer

/// Plain logs on standard output, and metrics into the registry `/metrics` serves.
enum LogSetup {
    /// Level from `LOG_LEVEL` (`trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`; any case),
    /// `defaultLevel` when unset (`info`; `import` keeps its terminal for progress and uses `warning`); any other
    /// value is refused rather than silently ignored.
    static func bootstrap(defaultLevel: Logger.Level = .info) throws {
        let raw = ProcessInfo.processInfo.environment["LOG_LEVEL"]?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let level: Logger.Level
        if raw.isEmpty {
            level = defaultLevel
        } else if let parsed = Logger.Level(rawValue: raw) {
            level = parsed
        } else {
            throw ValidationError("LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
        }
        LoginServerMetrics.bootstrap()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
