import Foundation
import Vapor

/// The result of one delivery attempt to an app's server.
struct PushAttemptResult: Sendable {
    let acknowledged: Bool
    let responseStatus: Int?
    let error: String?
    /// The passive reply (decrypted in safe mode) when the answer was one.
    var reply: String? = nil
}

/// Sends one push to an app's server URL (signed and encrypted per the app's mode): `CreateTime` is when the event
/// happened (the same on every attempt), the query's `timestamp` when this attempt is sent, as WeChat signs each
/// POST when it makes it. A report that waited in the queue is not stale for that.
protocol PushDelivering: Sendable {
    func deliver(app: SandboxConfiguration.App, openID: String, kind: PushEventKind, createdAt: Date, sentAt: Date) async
        -> PushAttemptResult
}

/// Records pushes and, when a deliverer exists, delivers them in the background: one attempt plus up to three
/// retries, each retry after `lifetimes.pushRetryInterval` (WeChat re-sends after its 5-second timeout). Attempts
/// wait in a ``PushQueue`` for one of `limits.pushConcurrency` slots, so each timeout measures the server, not the
/// sandbox's own backlog.
final class PushDispatcher: Sendable {
    /// Attempts per push: the first one and three retries.
    static let maxAttempts = 4

    let state: SandboxState
    let clock: SandboxClock
    let makeDeliverer: @Sendable (any Client) -> (any PushDelivering)?
    let pause: @Sendable (Double) async -> Void
    let queue: PushQueue

    init(
        state: SandboxState, clock: SandboxClock,
        makeDeliverer: @escaping @Sendable (any Client) -> (any PushDelivering)? = PushDispatcher.defaultDeliverer,
        pause: @escaping @Sendable (Double) async -> Void = { seconds in try? await Task.sleep(for: .seconds(seconds)) }
    ) {
        self.state = state
        self.clock = clock
        self.makeDeliverer = makeDeliverer
        self.pause = pause
        self.queue = PushQueue(limit: state.configuration.limits.pushConcurrency)
    }

    /// Records the push and queues its delivery (through `client`) without waiting for it; answers the record as
    /// it was when recorded.
    /// With `waitForFirstAttempt`, the first attempt runs before this returns, outside the queue (a chat message
    /// waits for the account's passive reply, at most the 5-second timeout) and the answer is the record after it;
    /// the retries still go through the queue.
    @discardableResult
    func dispatch(
        appID: String, userID: String, kind: PushEventKind, client: any Client, waitForFirstAttempt: Bool = false
    ) async -> PushRecord {
        let deliverer = makeDeliverer(client)
        let now = await clock.now()
        let record = await state.recordPush(appID: appID, userID: userID, kind: kind, canDeliver: deliverer != nil, now: now)
        guard record.delivery == "pending", let deliverer, let app = await state.apps[appID] else { return record }
        let push = Push(record: record, app: app, kind: kind, createdAt: now, deliverer: deliverer)
        await queue.begin()
        guard waitForFirstAttempt else {
            await queue(push, attempt: 1)
            return record
        }
        await run(push, attempt: 1)
        return await state.push(id: record.id) ?? record
    }

    /// Queues every attempt of one recorded push and returns once no push is outstanding (tests).
    func deliver(
        _ record: PushRecord, app: SandboxConfiguration.App, kind: PushEventKind, createdAt: Date,
        with deliverer: any PushDelivering
    ) async {
        await queue.begin()
        await queue(Push(record: record, app: app, kind: kind, createdAt: createdAt, deliverer: deliverer), attempt: 1)
        await queue.settled()
    }

    /// Pushes queued, in flight and not yet settled (`GET /sandbox/api/pushes/queue`).
    func depth() async -> PushQueue.Depth {
        await queue.depth
    }

    /// What one push's attempts need.
    private struct Push: Sendable {
        let record: PushRecord
        let app: SandboxConfiguration.App
        let kind: PushEventKind
        let createdAt: Date
        let deliverer: any PushDelivering

        /// A person's own act (not a campaign's delivery report) goes first in the queue.
        var urgent: Bool {
            if case .templateSendJobFinish = kind { return false }
            return true
        }
    }

    private func queue(_ push: Push, attempt number: Int) async {
        await queue.enqueue(urgent: push.urgent) { await self.run(push, attempt: number) }
    }

    /// Runs one attempt; settles the push, or queues the next attempt after the pause.
    private func run(_ push: Push, attempt number: Int) async {
        if await attempt(number, of: push) || number == Self.maxAttempts {
            await queue.finish()
            return
        }
        let interval = max(0, state.configuration.lifetimes.pushRetryInterval)
        Task {
            await self.pause(interval)
            await self.queue(push, attempt: number + 1)
        }
    }

    /// One attempt and its outcome in the record (a passive reply shown in the chat; after the last failed
    /// attempt, WeChat's notice for a message); whether it was acknowledged.
    private func attempt(_ number: Int, of push: Push) async -> Bool {
        let record = push.record
        let result = await push.deliverer.deliver(app: push.app, openID: record.openid, kind: push.kind,
                                                  createdAt: push.createdAt, sentAt: await clock.now())
        if result.acknowledged {
            await state.updatePush(id: record.id, delivery: "acknowledged", attempts: number,
                                   responseStatus: result.responseStatus, error: nil)
            if let xml = result.reply, let reply = PassiveReply(xml: xml) {
                await state.recordReply(pushID: record.id, reply: reply)
            }
            return true
        }
        let last = number == Self.maxAttempts
        await state.updatePush(id: record.id, delivery: last ? "failed" : "pending",
                               attempts: number, responseStatus: result.responseStatus, error: result.error)
        if last { await state.recordServiceUnavailable(pushID: record.id) }
        return false
    }
}
