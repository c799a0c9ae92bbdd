import Foundation
import Testing
import WeChatKit

@Suite struct MessageTimestampWindowTests {
    let now = MessageServerFixtures.date(1_409_304_348)

    @Test(arguments: [1_409_304_348, 1_409_304_048, 1_409_304_648])
    func acceptsTimestampsWithinTheWindow(_ timestamp: Int64) throws {
        #expect(try MessageTimestampWindow().check(String(timestamp), now: now) == timestamp)
    }

    @Test(arguments: [1_409_304_047, 1_409_304_649, 0, 999_999_999_999])
    func rejectsTimestampsOutsideTheWindow(_ timestamp: Int64) {
        #expect(throws: MessageServerError.staleTimestamp) {
            try MessageTimestampWindow().check(String(timestamp), now: now)
        }
    }

    @Test func windowIsConfigurable() throws {
        let window = MessageTimestampWindow(tolerance: .seconds(10))
        #expect(try window.check("1409304358", now: now) == 1_409_304_358)
        #expect(throws: MessageServerError.staleTimestamp) { try window.check("1409304359", now: now) }
    }

    @Test(arguments: ["", "abc", "-1409304348", "+1409304348", "1409304348.0", " 1409304348", "9999999999999999999999"])
    func rejectsNonNumericTimestamps(_ timestamp: String) {
        #expect(throws: MessageServerError.invalidParameter) { try MessageTimestampWindow().check(timestamp, now: now) }
    }
}

@Suite struct MessageMemoryNonceStoreTests {
    /// A settable clock for the store.
    /// `@unchecked Sendable`: the only state is guarded by the lock (`Mutex` needs macOS 15, the package targets 14).
    final class FakeClock: @unchecked Sendable {
        private let lock = NSLock()
        private var seconds: TimeInterval = 1_000
        func advance(by delta: TimeInterval) { lock.withLock { seconds += delta } }
        var now: Date { Date(timeIntervalSince1970: lock.withLock { seconds }) }
    }

    @Test func secondInsertOfTheSamePairIsRejected() async {
        let clock = FakeClock()
        let store = MessageMemoryNonceStore(now: { clock.now })
        #expect(await store.insertIfNew(nonce: "n1", timestamp: 1))
        #expect(await !store.insertIfNew(nonce: "n1", timestamp: 1))
        #expect(await store.insertIfNew(nonce: "n1", timestamp: 2))
        #expect(await store.insertIfNew(nonce: "n2", timestamp: 1))
    }

    @Test func pairsExpireAfterTheRetention() async {
        let clock = FakeClock()
        let store = MessageMemoryNonceStore(retention: .seconds(600), now: { clock.now })
        #expect(await store.insertIfNew(nonce: "n", timestamp: 1))
        clock.advance(by: 599)
        #expect(await !store.insertIfNew(nonce: "n", timestamp: 1))
        clock.advance(by: 1)
        #expect(await store.insertIfNew(nonce: "n", timestamp: 1))
        #expect(await store.count == 1)
    }

    @Test func capacityEvictsTheOldest() async {
        let clock = FakeClock()
        let store = MessageMemoryNonceStore(capacity: 2, now: { clock.now })
        #expect(await store.insertIfNew(nonce: "a", timestamp: 1))
        #expect(await store.insertIfNew(nonce: "b", timestamp: 1))
        #expect(await store.insertIfNew(nonce: "c", timestamp: 1))
        #expect(await store.count == 2)
        #expect(await !store.insertIfNew(nonce: "c", timestamp: 1))
        #expect(await store.insertIfNew(nonce: "a", timestamp: 1))
    }
}
