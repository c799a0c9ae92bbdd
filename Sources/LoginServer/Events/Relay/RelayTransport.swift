import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import Vapor

/// The handler's answer: its status and its body (read up to the relay's cap, plus one byte to tell "too large").
struct RelayResponse: Sendable {
    var status: Int
    var body: Data
}

/// Sends a forwarded push to the handler; the seam where tests put a stand-in.
protocol RelayTransport: Sendable {
    /// POSTs `request` and reads at most `maxBodyBytes` + 1 bytes of the answer. Cancellation (the relay's deadline)
    /// ends the request.
    func send(_ request: RelayRequest, maxBodyBytes: Int, timeout: Duration) async throws -> RelayResponse
    /// Releases the transport's connections at the application's shutdown.
    func shutdown() async throws
}

/// ``RelayTransport`` over its own AsyncHTTPClient: redirects are never followed (a 3xx is an answer WeChat would not
/// accept), a connection that cannot be made is not retried, and the answer's body is capped while reading.
final class HTTPRelayTransport: RelayTransport {
    private let client: HTTPClient

    init() {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(4), read: .seconds(5))
        // A refused connection fails the forward at once (WeChat gets `success` now) instead of being retried with
        // back-off until the deadline: there is no time for a second attempt inside WeChat's five seconds anyway.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func send(_ request: RelayRequest, maxBodyBytes: Int, timeout: Duration) async throws -> RelayResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .POST
        outgoing.headers.add(name: "Content-Type", value: "text/xml; charset=utf-8")
        outgoing.headers.add(name: "User-Agent", value: "wechat-login relay")
        outgoing.body = .bytes(ByteBuffer(data: request.body))
        let response = try await client.execute(outgoing, timeout: .nanoseconds(Int64(clamping: timeout.nanosecondsSaturating)))
        var body = Data()
        for try await chunk in response.body {
            body.append(contentsOf: chunk.readableBytesView.prefix(maxBodyBytes + 1 - body.count))
            if body.count > maxBodyBytes { break }
        }
        return RelayResponse(status: Int(response.status.code), body: body)
    }

    func shutdown() async throws {
        try await client.shutdown()
    }
}

/// Shuts the relay's HTTP client down with the application.
struct PushRelayLifecycle: LifecycleHandler {
    let relay: PushRelay

    func shutdownAsync(_ application: Application) async {
        try? await relay.transport.shutdown()
    }
}
