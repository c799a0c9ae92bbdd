import Foundation
import Synchronization
import WeChatKit

/// The login server's sense of time, injected so tests can move it instead of sleeping.
protocol ServerClock: Sendable {
    /// The current time.
    func now() -> Date
}

/// The machine's clock.
struct SystemServerClock: ServerClock {
    func now() -> Date { Date() }
}

/// A clock tests set and advance.
final class ManualServerClock: ServerClock, WeChatClock {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) { current = Mutex(start) }

    func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward.
    func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }

    func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
