import Foundation
import Logging
import Testing
import WeChatKit
@testable import LoginServer

/// Group commit: concurrent callers share statements, each gets its own result, and one bad item fails alone.
struct StatementBatcherTests {
    /// A write that records its batches and can be held shut until the test opens it.
    actor Recorder {
        var batches: [[Int]] = []
        var gate: CheckedContinuation<Void, Never>?
        var held = false

        func hold() { held = true }

        func enter(_ items: [Int]) async {
            batches.append(items)
            if held {
                held = false
                await withCheckedContinuation { gate = $0 }
            }
        }

        func open() {
            gate?.resume()
            gate = nil
        }

        var isHolding: Bool { gate != nil }
    }

    struct Bad: Error {}

    @Test func aLoneItemIsWrittenAtOnce() async throws {
        let recorder = Recorder()
        let batcher = StatementBatcher<Int, Int>(name: "test") { items in
            await recorder.enter(items)
            return items.map { $0 * 2 }
        }
        #expect(try await batcher.submit(21) == 42)
        #expect(await recorder.batches == [[21]])
    }

    @Test func concurrentCallersShareBatchesAndGetTheirOwnResults() async throws {
        let recorder = Recorder()
        await recorder.hold()
        let batcher = StatementBatcher<Int, Int>(name: "test", maxBatch: 30) { items in
            await recorder.enter(items)
            return items.map { $0 * 2 }
        }
        try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            group.addTask { (0, try await batcher.submit(0)) }
            while await !recorder.isHolding { await Task.yield() }
            // While the first batch is being written, 60 more callers arrive.
            for item in 1...60 { group.addTask { (item, try await batcher.submit(item)) } }
            while await batcher.pendingCount < 60 { await Task.yield() }
            await recorder.open()
            for try await (item, output) in group { #expect(output == item * 2) }
        }
        let batches = await recorder.batches
        #expect(batches.first == [0])
        #expect(batches.dropFirst().map(\.count) == [30, 30], "the waiting callers were written two statements")
        #expect(Set(batches.flatMap { $0 }) == Set(0...60))
    }

    @Test func aFailingBatchIsRetriedItemByItemSoOnlyTheBadItemFails() async throws {
        let recorder = Recorder()
        await recorder.hold()
        let batcher = StatementBatcher<Int, Int>(name: "test") { items in
            await recorder.enter(items)
            if items.contains(13) { throw Bad() }
            return items
        }
        try await withThrowingTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            group.addTask { (0, await Result { try await batcher.submit(0) }) }
            while await !recorder.isHolding { await Task.yield() }
            for item in 10...15 { group.addTask { (item, await Result { try await batcher.submit(item) }) } }
            while await batcher.pendingCount < 6 { await Task.yield() }
            await recorder.open()
            for try await (item, result) in group {
                if item == 13 {
                    #expect(throws: Bad.self) { try result.get() }
                } else {
                    #expect(try result.get() == item)
                }
            }
        }
        #expect(await recorder.batches.count == 2 + 6, "the first, the failed batch of six, then six single writes")
    }

    @Test func aWriteThatLosesResultsIsAnError() async throws {
        let batcher = StatementBatcher<Int, Int>(name: "test") { _ in [] }
        await #expect(throws: StatementBatcher<Int, Int>.CountMismatch.self) { try await batcher.submit(1) }
    }

    @Test func repeatsInOneBatchAreNewOnlyOnce() async throws {
        try await LoginWorld.with { world in
            let now = world.clock.now()
            let nonces = try await DatabaseNonceStore.insert([
                .init(nonce: "a", timestamp: 1, seenAt: now), .init(nonce: "b", timestamp: 1, seenAt: now),
                .init(nonce: "a", timestamp: 1, seenAt: now), .init(nonce: "a", timestamp: 2, seenAt: now),
            ], on: world.server.db)
            #expect(nonces == [true, true, false, true])
            #expect(try await DatabaseNonceStore.insert([.init(nonce: "b", timestamp: 1, seenAt: now)], on: world.server.db) == [false])

            func event(_ key: String) -> InboundEventStore.Row {
                .init(dedupKey: key, appID: world.officialAccountID, openID: "o1", msgType: "event", event: "x",
                      fields: "{}", createTime: 1, msgID: nil, receivedAt: now)
            }
            #expect(try await InboundEventStore.insert([event("k1"), event("k1"), event("k2")], on: world.server.db)
                    == [true, false, true])
            #expect(try await InboundEventStore.insert([event("k2"), event("k3")], on: world.server.db) == [false, true])
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
