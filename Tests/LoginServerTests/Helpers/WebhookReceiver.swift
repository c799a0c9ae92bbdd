import Foundation
import Synchronization
import Vapor
@testable import LoginServer

/// A tiny webhook receiver on a real loopback port: records every request it gets and answers the status the test
/// sets (200 by default).
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var id: String
        var timestamp: String
        var signature: String
        var body: Data
    }

    let app: Application
    let url: String
    private let box: StateBox

    private init(app: Application, url: String, box: StateBox) {
        self.app = app
        self.url = url
        self.box = box
    }

    static func start() async throws -> WebhookReceiver {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        let box = StateBox()
        app.post("hook") { req -> Response in
            let body = req.body.data.map { Data(buffer: $0) } ?? Data()
            let status = box.record(Received(
                id: req.headers.first(name: "webhook-id") ?? "", timestamp: req.headers.first(name: "webhook-timestamp") ?? "",
                signature: req.headers.first(name: "webhook-signature") ?? "", body: body))
            return Response(status: HTTPResponseStatus(statusCode: status))
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = app.http.server.shared.localAddress?.port ?? 0
        return WebhookReceiver(app: app, url: "http://127.0.0.1:\(port)/hook", box: box)
    }

    /// The status every later request gets.
    func answer(_ status: Int) { box.state.withLock { $0.status = status } }

    /// Every request received, in arrival order (failed ones included).
    var received: [Received] { box.state.withLock { $0.received } }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    private final class StateBox: Sendable {
        let state = Mutex<(status: Int, received: [Received])>((200, []))
        func record(_ received: Received) -> Int {
            state.withLock { state in
                state.received.append(received)
                return state.status
            }
        }
    }
}
