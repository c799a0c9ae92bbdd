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

/// Sends one push to an app's server URL (signed and encrypted per the app's mode).
protocol PushDelivering: Sendable {
    func deliver(app: SandboxConfiguration.App, openID: String, kind: PushEventKind, createdAt: Date) async -> PushAttemptResult
}

/// Records pushes and, when a deliverer exists, delivers them in the background: one attempt plus up to three
/// retries, each retry after `lifetimes.pushRetryInterval` (WeChat re-sends after its 5-second timeout).
final class PushDispatcher: Sendable {
    /// Attempts per push: the first one and three retries.
    static let maxAttempts = 4

    let state: SandboxState
    let clock: SandboxClock
    let makeDeliverer: @Sendable (any Client) -> (any PushDelivering)?
    let pause: @Sendable (Double) async -> Void

    init(
        state: SandboxState, clock: SandboxClock,
        makeDeliverer: @escaping @Sendable (any Client) -> (any PushDelivering)? = PushDispatcher.defaultDeliverer,
        pause: @escaping @Sendable (Double) async -> Void = { seconds in try? await Task.sleep(for: .seconds(seconds)) }
    ) {
        self.state = state
        self.clock = clock
        self.makeDeliverer = makeDeliverer
        self.pause = pause
    }

    /// Records the push and starts its delivery (through `client`) without waiting for it; answers the record as
    /// it was when recorded.
    /// With `waitForFirstAttempt`, the first attempt runs before this returns (a chat message waits for the
    /// account's passive reply, at most the 5-second timeout) and the answer is the record after it; the retries
    /// still run in the background.
    @discardableResult
    func dispatch(
        appID: String, userID: String, kind: PushEventKind, client: any Client, waitForFirstAttempt: Bool = false
    ) async -> PushRecord {
        let deliverer = makeDeliverer(client)
        let now = await clock.now()
        let record = await state.recordPush(appID: appID, userID: userID, kind: kind, canDeliver: deliverer != nil, now: now)
        guard record.delivery == "pending", let deliverer, let app = await state.apps[appID] else { return record }
        guard waitForFirstAttempt else {
            Task { await self.deliver(record, app: app, kind: kind, createdAt: now, with: deliverer) }
            return record
        }
        if await !attempt(1, of: record, app: app, kind: kind, createdAt: now, with: deliverer) {
            Task { await self.deliver(record, app: app, kind: kind, createdAt: now, with: deliverer, from: 2) }
        }
        return await state.push(id: record.id) ?? record
    }

    /// Runs the attempts of one recorded push, pausing between them, and records each outcome.
    func deliver(
        _ record: PushRecord, app: SandboxConfiguration.App, kind: PushEventKind, createdAt: Date,
        with deliverer: any PushDelivering, from first: Int = 1
    ) async {
        let interval = max(0, state.configuration.lifetimes.pushRetryInterval)
        for number in first...Self.maxAttempts {
            if number > 1 { await pause(interval) }
            if await attempt(number, of: record, app: app, kind: kind, createdAt: createdAt, with: deliverer) { return }
        }
    }

    /// One attempt and its outcome in the record (a passive reply shown in the chat; after the last failed
    /// attempt, WeChat's notice for a message); whether it was acknowledged.
    private func attempt(
        _ number: Int, of record: PushRecord, app: SandboxConfiguration.App, kind: PushEventKind, createdAt: Date,
        with deliverer: any PushDelivering
    ) async -> Bool {
        let result = await deliverer.deliver(app: app, openID: record.openid, kind: kind, createdAt: createdAt)
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
