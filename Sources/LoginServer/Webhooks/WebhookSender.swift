import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat


/// Sends webhook requests with its own HTTP client: redirects are not followed (a 3xx is a failure, so a delivery
/// never lands somewhere the endpoint's owner did not register), every request has the configured timeout, and the
/// body of the answer is read only up to 64 KiB and discarded.
final class WebhookSender: Sendable {
    private let client: HTTPClient
    private let timeout: TimeInterval

    init(timeout: TimeInterval) {
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(Int64(max(1, timeout))), read: .seconds(Int64(max(1, timeout))))
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = timeout
    }

    func send(_ request: WebhookRequest) async throws -> Int {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .POST
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        outgoing.body = .bytes(ByteBuffer(data: request.body))
        let response = try await client.execute(outgoing, timeout: .milliseconds(Int64(timeout * 1000)))
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }

    func shutdown() async throws {
        try await client.shutdown()
    }
}
