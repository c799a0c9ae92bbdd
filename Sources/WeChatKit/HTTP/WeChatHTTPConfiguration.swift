import AsyncHTTPClient
import NIOCore

/// How WeChatKit's clients talk HTTP: timeouts, the response size cap, and automatic retries.
public struct WeChatHTTPConfiguration: Sendable, Hashable {
    /// Time allowed to establish a connection. Default 5 s.
    ///
    /// AsyncHTTPClient sets connect timeouts per `HTTPClient`, so this applies to clients made by
    /// ``makeHTTPClient()``; a shared `HTTPClient` keeps its own connect timeout (the total timeout still bounds it).
    public var connectTimeout: Duration
    /// Time allowed for a whole request: connect, send, response head and body. Default 10 s.
    public var totalTimeout: Duration
    /// Largest response body accepted, in bytes, enforced while reading. Default 1 MiB.
    public var maxResponseBodySize: Int
    /// Automatic retries for idempotent reads. Default: 2 retries.
    public var retry: RetryPolicy

    /// Creates a configuration; every parameter has the documented default.
    public init(
        connectTimeout: Duration = .seconds(5),
        totalTimeout: Duration = .seconds(10),
        maxResponseBodySize: Int = 1 << 20,
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxResponseBodySize = max(0, maxResponseBodySize)
        self.retry = retry
    }

    /// Makes an `HTTPClient` on the shared event loop group with ``connectTimeout`` applied and redirects off.
    /// The caller owns it and must call `shutdown()`.
    public func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .nanoseconds(connectTimeout.nanoseconds))
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
