/// Bounded automatic retries with exponential back-off.
///
/// WeChatKit retries only requests that are safe to repeat (`sns/auth`, `sns/userinfo`,
/// `sns/oauth2/refresh_token`, `cgi-bin/token`, `cgi-bin/stable_token`) and only after a transport failure,
/// a timeout, or errcode `-1`. It **never** retries the code exchange (`sns/oauth2/access_token`): once the
/// first request may have reached WeChat the code is spent, and a second attempt would fail with 40163
/// and hide the real outcome. It never retries `template/send` either (a duplicate message is worse than a
/// reported failure; use `clientMessageID` and retry deliberately).
public struct RetryPolicy: Sendable, Hashable {
    /// How many retries after the first attempt. Default 2.
    public var maxRetries: Int
    /// Delay before the first retry; doubled each time. Default 200 ms.
    public var initialBackoff: Duration
    /// Upper bound of a single delay. Default 2 s.
    public var maxBackoff: Duration

    /// Creates a policy; every parameter has the documented default.
    public init(maxRetries: Int = 2, initialBackoff: Duration = .milliseconds(200), maxBackoff: Duration = .seconds(2)) {
        self.maxRetries = max(0, maxRetries)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
    }

    /// No automatic retries.
    public static let none = RetryPolicy(maxRetries: 0)

    /// The delay before retry number `retry` (1-based).
    func backoff(beforeRetry retry: Int) -> Duration {
        var delay = initialBackoff
        var step = 1
        while step < retry, delay < maxBackoff {
            delay *= 2
            step += 1
        }
        return min(delay, maxBackoff)
    }
}
