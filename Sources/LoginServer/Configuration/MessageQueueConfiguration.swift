import Foundation

/// How this instance drains the template-message queue.
public struct MessageQueueConfiguration: Sendable {
    /// Whether this instance runs a worker (`MESSAGE_WORKER=off` keeps an instance to serving requests; messages
    /// it accepts are sent by the instances that do run one).
    public var workerEnabled = true
    /// Messages one worker claims and sends at a time (`MESSAGE_WORKER_CONCURRENCY`, 1…256, default 16).
    public var concurrency = 16
    /// How long a claim lasts before another worker may take the message over (`MESSAGE_CLAIM_LEASE_SECONDS`,
    /// 5…540, default 60). Keep it well under WeChat's 10-minute `client_msg_id` window, which is what makes the
    /// re-send of a message whose worker died a duplicate WeChat drops.
    public var claimLease: TimeInterval = 60
    /// How often an idle worker looks for due messages (`MESSAGE_POLL_INTERVAL_MS`, 10…60000, default 1000);
    /// messages accepted by this instance wake its worker at once.
    public var pollInterval: TimeInterval = 1
    /// Retry, back-off and give-up rules.
    var policy = TemplateSendPolicy()

    /// The defaults.
    public init() {}
}
