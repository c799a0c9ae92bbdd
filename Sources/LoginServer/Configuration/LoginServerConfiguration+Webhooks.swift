import Foundation

extension LoginServerConfiguration.Variable {
    /// `on` (default) or `off`: whether this instance delivers webhooks.
    public static let webhookWorker = "WEBHOOK_WORKER"
    /// Deliveries in flight per instance, 1…256 (default 16).
    public static let webhookConcurrency = "WEBHOOK_CONCURRENCY"
    /// Seconds one delivery may take, 1…60 (default 10).
    public static let webhookTimeout = "WEBHOOK_TIMEOUT_SECONDS"
    /// Seconds a claim lasts before another instance may take a delivery over, 5…600 (default 60), longer than the
    /// timeout.
    public static let webhookClaimLease = "WEBHOOK_CLAIM_LEASE_SECONDS"
}

extension LoginServerConfiguration {
    /// Webhook delivery's settings: `WEBHOOK_WORKER`, `WEBHOOK_CONCURRENCY`, `WEBHOOK_TIMEOUT_SECONDS`,
    /// `WEBHOOK_CLAIM_LEASE_SECONDS`.
    static func webhooks(_ value: (String) -> String?) throws -> WebhookConfiguration {
        var webhooks = WebhookConfiguration()
        switch value(Variable.webhookWorker)?.lowercased() {
        case nil, "on", "true", "1": webhooks.workerEnabled = true
        case "off", "false", "0": webhooks.workerEnabled = false
        default: throw EnvironmentError(description: "\(Variable.webhookWorker) must be on or off")
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let raw = value(name) else { return nil }
            guard let number = Int(raw), range.contains(number) else {
                throw EnvironmentError(description: "\(name) must be a whole number in \(range.lowerBound)…\(range.upperBound)")
            }
            return number
        }
        if let concurrency = try integer(Variable.webhookConcurrency, 1...256) { webhooks.concurrency = concurrency }
        if let timeout = try integer(Variable.webhookTimeout, 1...60) { webhooks.timeout = TimeInterval(timeout) }
        if let lease = try integer(Variable.webhookClaimLease, 5...600) {
            // The claim outlives the slowest answer, so no one sends again while an answer is still on its way.
            guard TimeInterval(lease) > webhooks.timeout else {
                throw EnvironmentError(description:
                    "\(Variable.webhookClaimLease) must be longer than \(Variable.webhookTimeout) (\(Int(webhooks.timeout)))")
            }
            webhooks.claimLease = TimeInterval(lease)
        } else {
            webhooks.claimLease = max(webhooks.claimLease, webhooks.timeout + 30)
        }
        return webhooks
    }
}
