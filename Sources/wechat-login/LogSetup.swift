import Foundation
import Logging
import LoginServer

/// Plain logs on standard output, and metrics into the registry `/metrics` serves.
enum LogSetup {
    /// Level from `LOG_LEVEL` (`trace` … `critical`), `info` by default.
    static func bootstrap() {
        LoginServerMetrics.bootstrap()
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
