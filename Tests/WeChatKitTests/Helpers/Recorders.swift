import Foundation

/// A thread-safe counter for fake handlers.
final class Counter: @unchecked Sendable {
    // @unchecked: `value` is guarded by `lock`.
    private let lock = NSLock()
    private var value = 0

    /// Increments and returns the new value.
    @discardableResult func increment() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }

    var current: Int { lock.withLock { value } }
}

/// Records the tokens a body saw, across tasks.
final class TokenLog: @unchecked Sendable {
    // @unchecked: `storage` is guarded by `lock`.
    private let lock = NSLock()
    private var storage: [String] = []

    func append(_ token: String) { lock.withLock { storage.append(token) } }
    var values: [String] { lock.withLock { storage } }
}
