import Foundation

/// The time source of WeChatKit's clients and caches: wall-clock time for expiries, and sleeping for
/// back-off and polling. Tests inject a manual clock instead of sleeping.
public protocol WeChatClock: Sendable {
    /// The current wall-clock time.
    func now() -> Date
    /// Suspends for `duration` (or, in a test clock, advances time).
    func sleep(for duration: Duration) async throws
}

/// The real clock: `Date()` and `Task.sleep`.
public struct SystemWeChatClock: WeChatClock {
    /// Creates the system clock.
    public init() {}

    /// The current wall-clock time.
    public func now() -> Date { Date() }

    /// Sleeps for `duration`; throws `CancellationError` when the task is cancelled.
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}
