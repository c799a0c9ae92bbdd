import Foundation

/// An in-process `MessageNonceStore` for a single instance and for tests, with expiry by an injected clock.
///
/// Entries expire `retention` after they were recorded (choose at least twice the timestamp window, so that a
/// replay is either remembered or rejected as stale). At most `capacity` entries are kept; the oldest go first.
public actor MessageMemoryNonceStore: MessageNonceStore {
    private let retention: TimeInterval
    private let capacity: Int
    private let now: @Sendable () -> Date
    private var expiries: [String: Date] = [:]
    private var order: [(key: String, expiry: Date)] = []
    private var head = 0

    /// Creates a store; `now` is the clock (inject a fake one in tests).
    public init(
        retention: Duration = .seconds(600),
        capacity: Int = 100_000,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.retention = TimeInterval(max(0, retention.components.seconds))
        self.capacity = max(1, capacity)
        self.now = now
    }

    /// Records the pair and returns `true` when it is new, `false` when it was already seen and not yet expired.
    public func insertIfNew(nonce: String, timestamp: Int64) -> Bool {
        let current = now()
        purge(before: current)
        let key = "\(timestamp):\(nonce)"
        if let expiry = expiries[key], expiry > current { return false }
        while expiries.count >= capacity, head < order.count { dropOldest() }
        let expiry = current.addingTimeInterval(retention)
        expiries[key] = expiry
        order.append((key, expiry))
        return true
    }

    /// The number of remembered pairs (expired ones are dropped lazily).
    public var count: Int { expiries.count }

    private func purge(before current: Date) {
        while head < order.count, order[head].expiry <= current { dropOldest() }
        if head > 1024, head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }

    private func dropOldest() {
        let entry = order[head]
        head += 1
        if expiries[entry.key] == entry.expiry { expiries[entry.key] = nil }
    }
}
