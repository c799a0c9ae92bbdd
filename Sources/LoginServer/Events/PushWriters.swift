import Fluent
import Foundation

/// The application's batchers for the official account endpoint's three writes per push — its replay-guard nonce,
/// the event row, and a delivery report's effect on its message — each owned by its table's store and batched across
/// concurrent pushes (`StatementBatcher`).
///
/// A template-message burst comes back as a burst of TEMPLATESENDJOBFINISH pushes: one statement per push for
/// each write was most of the endpoint's cost. A push is still acknowledged only after its rows are written.
struct PushWriters: Sendable {
    /// Whether each nonce is new (true) or a replay.
    let nonces: StatementBatcher<DatabaseNonceStore.Row, Bool>
    /// Whether each event was stored (true) or is a repeat.
    let events: StatementBatcher<InboundEventStore.Row, Bool>
    /// Whether each report matched a sent message.
    let reports: StatementBatcher<TemplateMessageQueue.DeliveryReport, Bool>

    init(database: any Database) {
        nonces = DatabaseNonceStore.batcher(on: database)
        events = InboundEventStore.batcher(on: database)
        reports = TemplateMessageQueue.deliveryReportBatcher(on: database)
    }
}
