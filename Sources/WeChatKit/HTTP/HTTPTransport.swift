import NIOHTTP1

/// One HTTP request as WeChatKit's clients see it: pure data, so tests can inspect it.
struct TransportRequest: Sendable {
    var method: HTTPMethod
    var url: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]?
    /// Total time allowed for the request, response head and body.
    var timeout: Duration
    /// The largest response body accepted; larger bodies fail with ``WeChatError/responseTooLarge``.
    var maxResponseBodySize: Int
}

/// One HTTP response: status, headers, and the whole (size-capped) body.
struct TransportResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}

/// The seam between WeChatKit's clients and the network. Production uses ``AsyncHTTPClientTransport``;
/// tests use a fake with counters. Implementations throw ``WeChatError`` (transport, timeout,
/// response too large) and must enforce `maxResponseBodySize` while reading.
protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest) async throws -> TransportResponse
}
