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

    /// The recipient resolver on `database` (the request's).
    func recipients(on database: any Database) -> TemplateRecipients {
        TemplateRecipients(appID: appID, database: database)
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
