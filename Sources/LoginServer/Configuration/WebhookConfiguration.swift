import Foundation

/// How this instance delivers the event log to webhook endpoints.
public struct WebhookConfiguration: Sendable {
    /// Whether this instance runs a delivery worker (`WEBHOOK_WORKER=off` keeps an instance to serving requests;
    /// the instances that do run one deliver its events).
    public var workerEnabled = true
    /// Deliveries one worker claims and sends at a time: the bound on requests in flight
    /// (`WEBHOOK_CONCURRENCY`, 1…256, default 16).
    public var concurrency = 16
    /// How long one request may take before it counts as failed and is retried (`WEBHOOK_TIMEOUT_SECONDS`, 1…60,
    /// default 10).
    public var timeout: TimeInterval = 10
    /// How long a claim lasts before another instance may take the delivery over (its worker died mid-send).
    /// Longer than ``timeout``, so a slow answer is recorded before anyone sends again.
    public var claimLease: TimeInterval = 60
    /// How often an idle worker looks for due deliveries.
    public var pollInterval: TimeInterval = 1
    /// The waits before the 2nd, 3rd, … attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 28 hours in all);
    /// a delivery that fails once more is dead (kept for the admin API to show and replay).
    public var retrySchedule: [TimeInterval] = [5, 300, 1800, 7200, 18_000, 36_000, 36_000]
    /// Each wait is stretched or shortened by up to this fraction at random, so endpoints that failed together
    /// are not all retried in the same second.
    public var jitter: Double = 0.1

    /// The defaults.
    public init() {}
}
