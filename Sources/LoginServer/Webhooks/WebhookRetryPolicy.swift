import Foundation

/// When a failed delivery is tried again, and when it is given up (dead): the configured schedule, each wait
/// stretched by a random jitter.
struct WebhookRetryPolicy: Sendable {
    var schedule: [TimeInterval]
    var jitter: Double
    /// A number in -1…1 (random in production; tests fix it).
    var random: @Sendable () -> Double = { Double.random(in: -1...1) }

    init(_ configuration: WebhookConfiguration) {
        schedule = configuration.retrySchedule
        jitter = configuration.jitter
    }

    /// What follows the failed attempt number `attempts` (1 for the first).
    func afterFailure(attempts: Int, status: Int?, error: String, now: Date) -> WebhookDeliveryStore.Outcome {
        guard attempts >= 1, attempts <= schedule.count else { return .dead(status: status, error: error) }
        let wait = schedule[attempts - 1] * (1 + jitter * max(-1, min(1, random())))
        return .retry(at: now.addingTimeInterval(max(0, wait)), status: status, error: error)
    }
}
