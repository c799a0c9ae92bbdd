import Foundation

/// The sandbox's time: a reference clock (real time by default) plus an offset that tests and the
/// control API move, so 5-minute codes and 30-day refresh tokens are tested in milliseconds.
public actor SandboxClock {
    private let reference: @Sendable () -> Date
    private var offset: TimeInterval

    /// Creates a clock reading `reference()` shifted by `offset` seconds.
    public init(reference: @escaping @Sendable () -> Date = { Date() }, offset: TimeInterval = 0) {
        self.reference = reference
        self.offset = offset
    }

    /// The current sandbox time.
    public func now() -> Date {
        reference().addingTimeInterval(offset)
    }

    /// Moves the sandbox time forward (or back, for negative values) by `seconds`.
    public func advance(by seconds: TimeInterval) {
        offset += seconds
    }

    /// Sets the sandbox time to `date`.
    public func set(to date: Date) {
        offset = date.timeIntervalSince(reference())
    }

    /// Returns to real time.
    public func reset() {
        offset = 0
    }
}
