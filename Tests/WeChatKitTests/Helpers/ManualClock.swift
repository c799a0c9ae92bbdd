import Foundation

@testable import WeChatKit

/// A clock that only moves when told to. `sleep` advances it instead of waiting, and yields so that other
/// tasks make progress, so tests never sleep in real time.
final class ManualClock: WeChatClock, @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `lock`.
    private let lock = NSLock()
    private var current: Date
    private var recordedSleeps: [Duration] = []

    init(start: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        current = start
    }

    func now() -> Date {
        lock.withLock { current }
    }

    func advance(by duration: Duration) {
        lock.withLock { current = current.addingTimeInterval(duration.timeInterval) }
    }

    func sleep(for duration: Duration) async throws {
        lock.withLock {
            recordedSleeps.append(duration)
            current = current.addingTimeInterval(duration.timeInterval)
        }
        await Task.yield()
    }

    var sleeps: [Duration] { lock.withLock { recordedSleeps } }
}
