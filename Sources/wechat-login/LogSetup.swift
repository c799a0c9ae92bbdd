import Foundation
import Logging

/// Plain logs on standard output.
enum LogSetup {
    /// Level from `LOG_LEVEL` (`trace` … `critical`), `info` by default.
    static func bootstrap() {
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
