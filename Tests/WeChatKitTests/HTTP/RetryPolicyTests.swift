import Testing

@testable import WeChatKit

@Suite struct RetryPolicyTests {
    @Test func backoffDoublesUpToTheCap() {
        let policy = RetryPolicy(maxRetries: 5, initialBackoff: .milliseconds(200), maxBackoff: .seconds(1))
        #expect((1...5).map(policy.backoff(beforeRetry:)) == [.milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        #expect(RetryPolicy(maxRetries: -3).maxRetries == 0)
        #expect(RetryPolicy.none.maxRetries == 0)
    }

    @Test func configurationDefaults() {
        let configuration = WeChatHTTPConfiguration()
        #expect(configuration.maxResponseBodySize == 1_048_576)
        #expect(configuration.totalTimeout == .seconds(10))
        #expect(configuration.connectTimeout == .seconds(5))
        #expect(configuration.retry.maxRetries == 2)
    }

    @Test func durationConversionsSaturate() {
        #expect(Duration.seconds(2).nanoseconds == 2_000_000_000)
        #expect(Duration.milliseconds(1500).timeInterval == 1.5)
        #expect(Duration.seconds(Int64.max).nanoseconds == .max)
    }
}
