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

/// Records pushes and, when a deliverer exists, delivers them in the background with up to three retries.
final class PushDispatcher: Sendable {
    let state: SandboxState
    let clock: SandboxClock
    let makeDeliverer: @Sendable (any Client) -> (any PushDelivering)?

    init(
        state: SandboxState, clock: SandboxClock,
        makeDeliverer: @escaping @Sendable (any Client) -> (any PushDelivering)? = PushDispatcher.defaultDeliverer
    ) {
        self.state = state
        self.clock = clock
        self.makeDeliverer = makeDeliverer
    }

    /// Records the push and starts its delivery (through `client`) without waiting for it.
    func dispatch(appID: String, userID: String, kind: PushEventKind, client: any Client) async {
        let deliverer = makeDeliverer(client)
        let now = await clock.now()
        let record = await state.recordPush(appID: appID, userID: userID, kind: kind, canDeliver: deliverer != nil, now: now)
        guard record.delivery == "pending", let deliverer, let app = await state.apps[appID] else { return }
        let state = self.state
        Task {
            var last = PushAttemptResult(acknowledged: false, responseStatus: nil, error: nil)
            for attempt in 1...4 {
                last = await deliverer.deliver(app: app, openID: record.openid, kind: kind, createdAt: now)
                if last.acknowledged {
                    await state.updatePush(id: record.id, delivery: "acknowledged", attempts: attempt,
                                           responseStatus: last.responseStatus, error: nil)
                    return
                }
                await state.updatePush(id: record.id, delivery: attempt == 4 ? "failed" : "pending", attempts: attempt,
                                       responseStatus: last.responseStatus, error: last.error)
            }
        }
    }
}
