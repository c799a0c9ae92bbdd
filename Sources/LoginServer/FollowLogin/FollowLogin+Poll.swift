import Fluent
import Foundation
import Logging
import WeChatKit

extension FollowLogin {
    /// One status request of the waiting page: answers at once when the scene is settled, otherwise waits up to
    /// `pollHold` (long-polling) and finishes the sign-in the moment it was scanned. It re-reads the scene when this
    /// instance records its scan (``FollowLoginSignals``), and every `pollInterval` for a scan another instance
    /// recorded; a scan in progress (`scanned`, the unionid not readable yet) is retried on the timer.
    ///
    /// Only the browser that asked for the scene gets anything but a refusal; a scene signs in once (the
    /// conditional `UPDATE` of ``FollowLoginSceneStore/use(_:bindingHash:at:completionGrace:)`` in the
    /// sign-in's write transaction), so two polls at once — two tabs, two instances — sign in exactly once.
    ///
    /// With `complete: false` (the embeddable page's frame) a scanned scene answers `.scanned` at once and is left
    /// for the frame's top-level finish request: a sign-in made inside a cross-site frame would set its session
    /// cookie in a third-party context, which browsers block.
    func poll(scene: String, bindings: [BrowserBinding], clientAddress: String?, hold: Duration? = nil,
              complete completes: Bool = true, on database: any Database, logger: Logger) async throws -> Status {
        let deadline = ContinuousClock.now + (hold ?? configuration.pollHold)
        while true {
            let readAt = ContinuousClock.now
            guard scene.hasPrefix(Self.scenePrefix), scene.utf8.count <= 64,
                  let record = try await scenes(on: database).find(scene) else { return .refused(.unknown) }
            guard Self.belongs(record, to: bindings) else {
                logger.notice("follow-login poll from another browser")
                return .refused(.otherBrowser)
            }
            let now = clock.now()
            switch record.status {
            case .used:
                return .refused(.used)
            case .pending where now >= record.expiresAt:
                return .expired
            case .scanned where now >= record.expiresAt.addingTimeInterval(configuration.completionGrace):
                return .expired
            case .scanned where !completes:
                return .scanned
            case .scanned:
                if let outcome = try await complete(record, clientAddress: clientAddress, on: database, logger: logger) {
                    return outcome
                }
            case .pending:
                break
            }
            let instant = ContinuousClock.now
            guard instant < deadline else { return record.status == .scanned ? .scanned : .pending }
            let wait = min(configuration.pollInterval, deadline - instant)
            if record.status == .pending {
                await signals.wait(for: scene, since: readAt, upTo: wait)
            } else {
                try await Task.sleep(for: wait)
            }
            try Task.checkCancellation()
        }
    }

    /// Finishes a scanned scene: reads the unionid (`cgi-bin/user/info`, outside any transaction), then in one
    /// write transaction takes the scene, upserts the official-account identity (joining by unionid as every flow
    /// does) and writes the login's events. `nil` when the unionid could not be read yet (the next poll tries
    /// again); `.refused(.used)` when another poll took the scene first.
    private func complete(_ record: FollowLoginSceneStore.Record, clientAddress: String?, on database: any Database,
                          logger: Logger) async throws -> Status? {
        guard let openID = record.openID else { return nil }
        let started = ContinuousClock.now
        guard case .read(let unionID) = await unionID(of: openID, logger: logger) else { return nil }
        let actor = EventActor(kind: .person, address: clientAddress)
        let identity: IdentityRecorder.Recorded? = try await database.writeTransaction { tx in
            let scenes = scenes(on: tx)
            guard let used = try await scenes.use(record.scene, bindingHash: record.browserBindingHash,
                                                  at: clock.now(), completionGrace: configuration.completionGrace)
            else { return nil }
            let upserted = try await IdentityStore(database: tx).upsertFollower(IdentityStore.FollowerUpsert(
                appID: used.appID, openID: openID, unionID: unionID, now: clock.now()))
            try await scenes.setIdentity(used.scene, identityID: upserted.id)
            let identity = IdentityRecorder.Recorded(id: upserted.id, userID: upserted.userID, joined: upserted.joined,
                                                     unionID: upserted.unionID)
            let events = try await SignInFlow.signInEvents(
                identity, appID: used.appID, openID: openID, flow: Self.eventFlowName, via: "follow",
                returnTo: used.returnTo, actor: actor, on: tx)
            try await EventLog(database: tx).append(events, at: clock.now())
            return identity
        }
        guard let identity else {
            logger.info("follow-login scene already used by another poll")
            return .refused(.used)
        }
        let returnTo = ReturnTo.orHome(record.returnTo)
        ServerMetrics.login(flow: .officialAccountQR, outcome: identity.userID != nil ? .signedIn : .needsBinding,
                            duration: ContinuousClock.now - started)
        logger.info("wechat login completed", metadata: ["flow": "\(Self.eventFlowName)", "bound": "\(identity.userID != nil)"])
        if let userID = identity.userID {
            return .completed(.signedIn(userID: userID, identityID: identity.id, returnTo: returnTo, state: record.scene))
        }
        return .completed(.needsBinding(identityID: identity.id, returnTo: returnTo, state: record.scene))
    }

    /// What `cgi-bin/user/info` gave for a scanner.
    private enum UnionIDRead: Sendable {
        case read(String?)
        case notYet
    }

    /// The scanner's unionid: `.notYet` on a transient failure (the next poll tries again); a permanent failure (the
    /// account lacks the interface) reads as no unionid, so the sign-in goes on and the binding step joins.
    private func unionID(of openID: String, logger: Logger) async -> UnionIDRead {
        do {
            return .read(try await followers.follower(openID: openID).unionID)
        } catch let error as WeChatError where error.category == .retryable || error.category == .tokenInvalid {
            logger.warning("follow-login could not read the follower yet", metadata: [
                "errcode": "\(error.code?.rawValue ?? 0)", "error": "\(error)",
            ])
            return .notYet
        } catch let error as WeChatError {
            logger.error("follow-login reads no unionid", metadata: [
                "errcode": "\(error.code?.rawValue ?? 0)", "error": "\(error)",
            ])
            return .read(nil)
        } catch {
            logger.warning("follow-login could not read the follower yet", metadata: ["error": "\(type(of: error))"])
            return .notYet
        }
    }

    /// The flow as events and logs name it.
    static let eventFlowName = "official_account_qr"
}
