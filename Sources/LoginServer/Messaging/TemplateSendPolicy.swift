import Foundation
import WeChatKit

/// Decides what a failed send means for a queued message: retry with back-off, wait for the daily quota to
/// reset, or fail for good.
///
/// - `-1`, `45011`, transport faults and timeouts are transient: retried with exponential back-off (a timed-out
///   send may have gone through; the retry carries the same `client_msg_id`, so WeChat drops the duplicate).
/// - A token error that survived the provider's one refetch, and a failure to fetch the token at all (a wrong
///   secret or an IP not on the whitelist can be fixed while messages wait), are retried the same way.
/// - `45009` (daily quota) parks the message until midnight Beijing time, when WeChat resets quotas.
/// - Everything else (43004 not following, 43019 blacklisted, 40003 bad openid, 40037 bad template, 47003 bad
///   field value, 48001 no permission, …) fails at once with the errcode and its meaning.
struct TemplateSendPolicy: Sendable {
    /// Attempts before a transient failure becomes final.
    var maxAttempts = 10
    /// The first back-off; each retry doubles it, up to ``maxBackoff``.
    var baseBackoff: TimeInterval = 2
    /// The longest back-off.
    var maxBackoff: TimeInterval = 600

    func outcome(of error: any Error, attempts: Int, now: Date) -> TemplateMessageQueue.Outcome {
        guard let error = error as? WeChatError else {
            return retryOrGiveUp(errcode: nil, reason: "unexpected failure: \(String(describing: type(of: error)))",
                                 attempts: attempts, now: now, minimum: 0)
        }
        let errcode = error.code?.rawValue
        let reason = Self.reason(error)
        if error.code == .dailyQuotaReached || error.code?.category == .quota {
            // The send quota and the token-fetch quota are both daily: either way, wait for midnight.
            return .retry(at: Self.nextQuotaReset(after: now), errcode: errcode, reason: reason + "; waiting for the daily quota to reset")
        }
        switch error.category {
        case .retryable, .tokenInvalid:
            let minimum: TimeInterval = error.code == .minuteQuotaReached ? 60 : 0
            return retryOrGiveUp(errcode: errcode, reason: reason, attempts: attempts, now: now, minimum: minimum)
        default:
            if Self.isTokenEndpoint(error.endpoint), error.code != nil {
                return retryOrGiveUp(errcode: errcode, reason: reason + " (fetching the access_token)",
                                     attempts: attempts, now: now, minimum: 0)
            }
            return .failed(errcode: errcode, reason: reason)
        }
    }

    private func retryOrGiveUp(errcode: Int?, reason: String, attempts: Int, now: Date,
                               minimum: TimeInterval) -> TemplateMessageQueue.Outcome {
        guard attempts < maxAttempts else {
            return .failed(errcode: errcode, reason: "\(reason); gave up after \(attempts) attempts")
        }
        return .retry(at: now.addingTimeInterval(max(minimum, backoff(afterAttempt: attempts))), errcode: errcode,
                      reason: reason)
    }

    /// The pause after the `attempt`-th attempt: base × 2^(attempt−1), capped, with up to 20% jitter so a burst
    /// of failures does not come back as one burst.
    func backoff(afterAttempt attempt: Int) -> TimeInterval {
        let exponential = baseBackoff * pow(2, Double(max(0, min(attempt - 1, 20))))
        let capped = min(maxBackoff, exponential)
        return capped * Double.random(in: 0.8...1.0)
    }

    /// The next midnight in Beijing (UTC+8), when WeChat resets daily quotas.
    static func nextQuotaReset(after date: Date) -> Date { BeijingTime.nextMidnight(after: date) }

    static func isTokenEndpoint(_ endpoint: String?) -> Bool {
        guard let endpoint else { return false }
        return endpoint.hasSuffix("cgi-bin/token") || endpoint.hasSuffix("cgi-bin/stable_token")
    }

    /// The errcode and its meaning, or the kind of failure; never a token or secret.
    static func reason(_ error: WeChatError) -> String {
        if let code = error.code {
            let meaning = code.name ?? error.errmsg.map { String($0.prefix(120)) } ?? "unknown errcode"
            return "WeChat errcode \(code.rawValue): \(meaning)"
        }
        return error.description
    }
}
