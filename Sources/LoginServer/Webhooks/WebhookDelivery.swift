import Foundation
import Vapor

/// Webhook delivery on this instance: the worker and the HTTP client it sends with, built once by `configure`.
struct WebhookDelivery: Sendable {
    let worker: WebhookWorker
    let sender: WebhookSender
    let workerEnabled: Bool

    init(configuration: WebhookConfiguration, database: WebhookDatabase, logger: Logger) {
        let sender = WebhookSender(timeout: configuration.timeout)
        self.sender = sender
        self.worker = WebhookWorker(database: database, send: { try await sender.send($0) },
                                    configuration: configuration, logger: logger)
        self.workerEnabled = configuration.workerEnabled
    }
}

/// Starts the webhook worker after boot (unless `WEBHOOK_WORKER=off`) and stops it, then its HTTP client, at
/// shutdown.
struct WebhookWorkerLifecycle: LifecycleHandler {
    let delivery: WebhookDelivery

    // Synchronous, so both `boot()` and `asyncBoot()` run it.
    func didBoot(_ application: Application) throws {
        guard delivery.workerEnabled else {
            application.logger.info("webhook worker off on this instance (WEBHOOK_WORKER=off)")
            return
        }
        let worker = delivery.worker
        Task { await worker.start() }
    }

    func shutdownAsync(_ application: Application) async {
        await delivery.worker.stop()
        try? await delivery.sender.shutdown()
    }
}
