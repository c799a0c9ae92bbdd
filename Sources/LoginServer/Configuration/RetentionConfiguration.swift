import Foundation

/// How long the tables that grow with the work keep their rows before the retention sweep (every ten minutes, on
/// every instance) deletes them, in batches of `batch` rows per statement. The audit trail keeps its own setting
/// (`AUDIT_RETENTION_DAYS`).
public struct RetentionConfiguration: Sendable, Equatable {
    /// Template messages that are finished (delivered, blocked, failed) or sent without a delivery report, counted
    /// from then (`TEMPLATE_MESSAGE_RETENTION_DAYS`, default 90). Delivered ones are first added to their
    /// recipient's count, so the account deletion's `delivered_messages` stays true.
    public var templateMessages: TimeInterval = 90 * 86_400
    /// Pushes from WeChat (`INBOUND_EVENT_RETENTION_DAYS`, default 30): long enough for WeChat's retries, a delivery
    /// report that overtakes its send and the data export's recent pushes; a push carries what people wrote.
    public var inboundEvents: TimeInterval = 30 * 86_400
    /// Relayed pushes and their handler's answers (`PUSH_RELAY_RETENTION_HOURS`, default 24): WeChat's retries come
    /// within about 20 seconds, and a reply names a person.
    public var pushRelays: TimeInterval = 86_400
    /// How long a push's `(timestamp, nonce)` pair is remembered (fixed): longer than the push's timestamp window
    /// (300 seconds), after which a replay is refused as stale anyway.
    public var pushNonces: TimeInterval = 600
    /// Rows per `DELETE` (fixed): each statement is short, so it never holds SQLite's one writer or PostgreSQL's
    /// row locks for long.
    public var batch = 1000

    /// Every setting at its default.
    public init() {}
}
