import Foundation
import Testing
@testable import WeChatSandbox

/// Records which jobs ran, in order, and the most that ran at once.
actor JobLog {
    var order: [String] = []
    var running = 0
    var most = 0
    func enter(_ name: String) { order.append(name); running += 1; most = max(most, running) }
    func leave() { running -= 1 }
}

/// A latch a job waits on until the test opens it.
actor Latch {
    private var open = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if open { return }
        await withCheckedContinuation { waiters.append($0) }
    }
    func release() { open = true; waiters.forEach { $0.resume() }; waiters = [] }
}

@Suite("push queue")
struct PushQueueTests {
    @Test func noMoreThanTheLimitRunAtOnceAndEveryJobRuns() async throws {
        let queue = PushQueue(limit: 3)
        let log = JobLog()
        let latch = Latch()
        for index in 0..<40 {
            await queue.begin()
            await queue.enqueue(urgent: index % 3 == 0) {
                await latch.wait()
                await log.enter("\(index)")
                try? await Task.sleep(for: .milliseconds(1))
                await log.leave()
                await queue.finish()
            }
        }
        // Three slots were taken at once; the rest wait (a slot may not have taken its first job yet).
        let depth = await queue.depth
        #expect(depth.inFlight == 3 && depth.outstanding == 40 && (37...40).contains(depth.queued))
        await latch.release()
        await queue.settled()
        #expect(await Set(log.order).count == 40)
        #expect(await log.most <= 3)
        #expect(await queue.depth == PushQueue.Depth(queued: 0, inFlight: 0, outstanding: 0))
    }

    @Test func aPersonsActGoesBeforeQueuedDeliveryReports() async throws {
        let queue = PushQueue(limit: 1)
        let log = JobLog()
        let latch = Latch()
        await queue.begin()
        await queue.enqueue(urgent: false) { await log.enter("blocking"); await latch.wait(); await log.leave(); await queue.finish() }
        // The one slot holds the blocking job before anything else is queued.
        while await log.order.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
        for name in ["report 1", "report 2", "follow", "report 3", "scan"] {
            await queue.begin()
            await queue.enqueue(urgent: !name.hasPrefix("report")) { await log.enter(name); await log.leave(); await queue.finish() }
        }
        #expect(await queue.depth == PushQueue.Depth(queued: 5, inFlight: 1, outstanding: 6))
        await latch.release()
        await queue.settled()
        #expect(await log.order == ["blocking", "follow", "scan", "report 1", "report 2", "report 3"])
    }
}
