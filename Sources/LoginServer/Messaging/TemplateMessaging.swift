import Fluent
import Foundation
import Logging
import Vapor
import WeChatKit

/// The official account's template messaging on this instance: the queue's worker and how to reach the queue.
struct TemplateMessaging: Sendable {
    /// The official account that sends.
    let appID: String
    /// This instance's worker (started at boot unless `MESSAGE_WORKER=off`).
    let worker: TemplateMessageWorker
    let workerEnabled: Bool
    let clock: any ServerClock
    /// The application's batcher for delivery reports (`PushWriters.reports`).
    let deliveryReports: StatementBatcher<TemplateMessageQueue.DeliveryReport, Bool>

    /// The template-message queue on `database` (the request's).
    func queue(on database: any Database) -> TemplateMessageQueue {
        TemplateMessageQueue(database: database, clock: clock, deliveryReports: deliveryReports)
    }

    /// `messaging`, or 404 when no official account is configured.
    static func require(_ messaging: TemplateMessaging?) throws -> TemplateMessaging {
        guard let messaging else {
            throw Abort(.notFound, reason: "No official account is configured, so there is nothing to send from.")
        }
        return messaging
    }

    /// Resolves a recipient — exactly one of our user id, the business's external id, or an openid — to an openid of
    /// the official account (and the business user, when known).
    static func recipient(userID: UUID?, openID: String?, externalID: String? = nil, appID: String,
                          on database: any Database) async throws -> (openID: String, userID: UUID?) {
        switch (userID, openID, externalID) {
        case (let userID?, nil, nil):
            guard try await UserStore(database: database).exists(userID) else {
                throw Abort(.notFound, reason: "No user \(userID.uuidString.lowercased()).")
            }
            return (try await officialAccountOpenID(of: userID, appID: appID, on: database), userID)
        case (nil, nil, let raw?):
            guard let externalID = try? ExternalID(validating: raw) else {
                throw Abort(.unprocessableEntity, reason: "external_id is not a valid external id.")
            }
            guard let userID = try await UserStore(database: database).find(externalID: externalID)?.id else {
                throw Abort(.notFound, reason: "No user has this external_id.")
            }
            return (try await officialAccountOpenID(of: userID, appID: appID, on: database), userID)
        case (nil, let openID?, nil):
            guard TemplateMessageInput.isOpenID(openID) else {
                throw Abort(.unprocessableEntity, reason: "openid must be 1–64 letters, digits, - or _.")
            }
            let identity = try await IdentityStore(database: database).find(openID: openID, appID: appID)
            return (openID, identity?.$user.id)
        default:
            throw Abort(.unprocessableEntity, reason: "Give exactly one of user_id, external_id or openid.")
        }
    }

    private static func officialAccountOpenID(of userID: UUID, appID: String, on database: any Database) async throws -> String {
        guard let identity = try await IdentityStore(database: database).latestIdentity(ofUser: userID, appID: appID) else {
            throw Abort(.unprocessableEntity, reason: "This user has no identity on the official account (they never signed in inside WeChat), so there is no openid to send to.")
        }
        return identity.openID
    }
}

/// Starts the worker when the application boots and lets it finish its batch when the application stops.
struct TemplateMessageWorkerLifecycle: LifecycleHandler {
    let messaging: TemplateMessaging

    // Synchronous, so both `boot()` and `asyncBoot()` run it.
    func didBoot(_ application: Application) throws {
        guard messaging.workerEnabled else {
            application.logger.info("template message worker off on this instance (MESSAGE_WORKER=off)")
            return
        }
        let worker = messaging.worker
        Task { await worker.start() }
    }

    func shutdownAsync(_ application: Application) async {
        await messaging.worker.stop()
    }
}
