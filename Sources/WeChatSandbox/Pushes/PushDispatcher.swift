import Foundation
import Vapor

/// The result of one delivery attempt to an app's server.
struct PushAttemptResult: Sendable {
    let acknowledged: Bool
    let responseStatus: Int?
    let error: String?
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
    @discardableResult
    func dispatch(appID: String, userID: String, kind: PushEventKind, client: any Client) async -> PushRecord {
        let deliverer = makeDeliverer(client)
        let now = await clock.now()
        let record = await state.recordPush(appID: appID, userID: userID, kind: kind, canDeliver: deliverer != nil, now: now)
        guard record.delivery == "pending", let deliverer, let app = await state.apps[appID] else { return record }
        Task { await self.deliver(record, app: app, kind: kind, createdAt: now, with: deliverer) }
        return record
    }

    /// Runs the attempts of one recorded push, pausing between them, and records each outcome.
    func deliver(
        _ record: PushRecord, app: SandboxConfiguration.App, kind: PushEventKind, createdAt: Date,
        with deliverer: any PushDelivering
    ) async {
        let interval = max(0, state.configuration.lifetimes.pushRetryInterval)
        for attempt in 1...Self.maxAttempts {
            if attempt > 1 { await pause(interval) }
            let result = await deliverer.deliver(app: app, openID: record.openid, kind: kind, createdAt: createdAt)
            if result.acknowledged {
                await state.updatePush(id: record.id, delivery: "acknowledged", attempts: attempt,
                                       responseStatus: result.responseStatus, error: nil)
                return
            }
            await state.updatePush(id: record.id, delivery: attempt == Self.maxAttempts ? "failed" : "pending",
                                   attempts: attempt, responseStatus: result.responseStatus, error: result.error)
        }
    }
}
