import Fluent
import Foundation

/// The queue-depth gauges' counts, read when `/metrics` is scraped: the statuses still in flight (template messages
/// `queued`, `sending`, `sent`; webhook deliveries `pending`, `sending`) at every scrape, and the settled ones at most
/// once per `settledInterval`.
///
/// In-flight rows are few and counted on the `status` index; settled rows are what the tables hold until the
/// retention sweep (90 days of messages, a year of deliveries), so counting them at every scrape made each scrape cost
/// the tables' size (a `GROUP BY` over every row, issue 17). Their gauges lag by up to a minute.
actor QueueDepthGauges {
    let clock: any ServerClock
    let settledInterval: TimeInterval
    private var settledMessages: (at: Date, counts: [TemplateMessageStatus: Int])?
    private var settledDeliveries: (at: Date, counts: [WebhookDeliveryStore.Status: Int])?

    init(clock: any ServerClock, settledInterval: TimeInterval = 60) {
        self.clock = clock
        self.settledInterval = settledInterval
    }

    static let inFlightMessages: [TemplateMessageStatus] = [.queued, .sending, .sent]
    static let inFlightDeliveries: [WebhookDeliveryStore.Status] = [.pending, .sending]

    /// Template messages per status.
    func messages(_ queue: TemplateMessageQueue) async throws -> [TemplateMessageStatus: Int] {
        var counts = try await queue.counts(of: Self.inFlightMessages)
        let now = clock.now()
        if let cached = settledMessages, now.timeIntervalSince(cached.at) < settledInterval, now >= cached.at {
            counts.merge(cached.counts) { live, _ in live }
        } else {
            let settled = try await queue.counts(of: TemplateMessageStatus.allCases.filter { !Self.inFlightMessages.contains($0) })
            settledMessages = (now, settled)
            counts.merge(settled) { live, _ in live }
        }
        return counts
    }

    /// Webhook deliveries per status.
    func deliveries(_ store: WebhookDeliveryStore) async throws -> [WebhookDeliveryStore.Status: Int] {
        var counts = try await store.counts(of: Self.inFlightDeliveries)
        let now = clock.now()
        if let cached = settledDeliveries, now.timeIntervalSince(cached.at) < settledInterval, now >= cached.at {
            counts.merge(cached.counts) { live, _ in live }
        } else {
            let settled = try await store.counts(of: WebhookDeliveryStore.Status.allCases.filter { !Self.inFlightDeliveries.contains($0) })
            settledDeliveries = (now, settled)
            counts.merge(settled) { live, _ in live }
        }
        return counts
    }
}
