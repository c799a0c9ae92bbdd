import WeChatKit

/// What the server itself did with a push, as `PushRecorder.record` reports it: the relay passes on what the
/// server did not consume (and, when configured, what it did).
///
/// A feature that acts on a kind of push marks it consumed in ``consumes(_:)`` — the one place that says which
/// pushes are the server's own.
struct PushConsumption: Sendable, Hashable {
    /// The push's key, shared by WeChat's retries of it (`inbound_events.dedup_key`).
    var key: String
    /// True when this arrival stored the push; false for a repeat of a push already stored (nothing was applied
    /// again).
    var isFirstArrival: Bool
    /// True when the server acts on this kind of push itself.
    var isConsumed: Bool

    /// Whether the server acts on `message` itself: follows and unfollows (the identity's follow state) and
    /// template delivery reports.
    static func consumes(_ message: InboundMessage) -> Bool {
        switch message.kind {
        case .event(.subscribe), .event(.unsubscribe), .event(.templateSendJobFinish): true
        default: false
        }
    }
}
