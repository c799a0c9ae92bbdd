import Fluent
import Foundation
import Logging
import Vapor

/// Deletes rows that can no longer be used: login states, one-time-code challenges, browser sessions and
/// development-outbox entries, events and settled webhook deliveries older than the audit retention (in batches), the
/// OpenID Connect provider's pending requests, codes and access tokens a day after they expired (or were written), the
/// binding's limit counters as soon as their window has ended, and — per `retention`, in batches on an index of the
/// time compared — finished template messages, pushes from WeChat, relayed pushes and push nonces. Every instance sweeps; deleting is idempotent. Each table's store sweeps its own rows.
struct RetentionSweeper: Sendable {
    let database: any Database
    let clock: any ServerClock
    /// How long after expiry a row is kept (for support and for the logs' sake).
    var grace: TimeInterval = 86_400
    /// How long events (the audit trail) are kept (`AUDIT_RETENTION_DAYS`).
    var auditRetention: TimeInterval = 365 * 86_400
    /// How long template messages, pushes, relayed pushes and nonces are kept, and the batch size.
    var retention = RetentionConfiguration()

    /// Rows removed by one sweep.
    struct Swept: Sendable, Equatable {
        var loginStates = 0
        var bindChallenges = 0
        var outbox = 0
        var sessions = 0
        var bindLimitCounters = 0
        /// Pending authorization requests, authorization codes and access tokens of the OpenID Connect provider.
        var oidcAuthorizations = 0
        /// Events older than the audit retention.
        var events = 0
        /// Delivered and dead webhook deliveries older than the audit retention.
        var webhookDeliveries = 0
        /// Pushes relayed to the business's handler, older than `retention.pushRelays` (a day).
        var pushRelays = 0
        /// Pushes from WeChat older than `retention.inboundEvents` (30 days).
        var inboundEvents = 0
        /// Template messages finished (or sent unreported) before `retention.templateMessages` (90 days).
        var templateMessages = 0
        /// `(timestamp, nonce)` pairs of pushes, past `retention.pushNonces`.
        var pushNonces = 0
    }

    func sweep() async throws -> Swept {
        let cutoff = clock.now().addingTimeInterval(-grace)
        var swept = Swept()
        // Follow-to-sign-in's QR scenes are login states too.
        swept.loginStates = try await LoginStateStore.sweep(expiredBefore: cutoff, on: database)
            + FollowLoginSceneStore.sweep(expiredBefore: cutoff, on: database)
        swept.bindChallenges = try await BindChallengeStore(database: database).sweep(expiredBefore: cutoff)
        swept.outbox = try await OutboxStore(database: database).sweep(writtenBefore: cutoff)
        swept.sessions = try await LoginSessionStore.sweep(expiredBefore: cutoff, on: database)
        swept.bindLimitCounters = try await BindLimiter.sweep(before: clock.now(), on: database)
        // A reused code's row marks its grant dead only while it can matter: the grant's access tokens (an hour)
        // expired long before the code's row (a minute, plus the day's grace) goes.
        swept.oidcAuthorizations = try await AuthorizationRequestStore.sweep(expiredBefore: cutoff, on: database)
            + OIDCAccessTokenStore.sweep(expiredBefore: cutoff, on: database)
            + AuthorizationCodeStore.sweep(expiredBefore: cutoff, on: database)
            + OIDCRefreshTokenStore.sweep(expiredBefore: cutoff, on: database)
        swept.events = try await EventLog.sweep(occurredBefore: clock.now().addingTimeInterval(-auditRetention), on: database)
        swept.webhookDeliveries = try await WebhookDeliveryStore.sweep(
            settledBefore: clock.now().addingTimeInterval(-auditRetention), on: database)
        let now = clock.now()
        swept.pushRelays = try await PushRelayStore.sweep(
            claimedBefore: now.addingTimeInterval(-retention.pushRelays), batch: retention.batch, on: database)
        swept.inboundEvents = try await InboundEventStore.sweep(
            receivedBefore: now.addingTimeInterval(-retention.inboundEvents), batch: retention.batch, on: database)
        swept.templateMessages = try await TemplateMessageQueue.sweep(
            finishedBefore: now.addingTimeInterval(-retention.templateMessages), batch: retention.batch, on: database)
        swept.pushNonces = try await DatabaseNonceStore.sweep(
            seenBefore: now.addingTimeInterval(-retention.pushNonces), batch: retention.batch, on: database)
        return swept
    }
}

extension RetentionSweeper {
    /// The sweep on every instance, every ten minutes while the application runs.
    func lifecycle(every interval: Duration = .seconds(600)) -> PeriodicTask {
        PeriodicTask(every: interval) { logger in
            do {
                let swept = try await sweep()
                if swept != Swept() {
                    logger.info("expired rows removed", metadata: [
                        "login_states": "\(swept.loginStates)", "bind_challenges": "\(swept.bindChallenges)",
                        "outbox": "\(swept.outbox)", "sessions": "\(swept.sessions)",
                        "bind_limit_counters": "\(swept.bindLimitCounters)",
                        "oidc_authorizations": "\(swept.oidcAuthorizations)", "events": "\(swept.events)",
                        "webhook_deliveries": "\(swept.webhookDeliveries)", "push_relays": "\(swept.pushRelays)",
                        "inbound_events": "\(swept.inboundEvents)",
                        "template_messages": "\(swept.templateMessages)", "push_nonces": "\(swept.pushNonces)",
                    ])
                }
            } catch {
                logger.warning("retention sweep failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
        }
    }
}
