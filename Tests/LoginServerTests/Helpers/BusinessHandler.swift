import Foundation
import Synchronization
import Vapor
import WeChatKit

/// A stand-in for the business's own message handler, on a real loopback port: it checks every push with WeChatKit
/// as a business would (signature, timestamp, and in safe mode `msg_signature` and decryption), records it, and
/// answers as the test says — a text reply, `success`, raw bytes, or nothing until released.
final class BusinessHandler: Sendable {
    /// How the handler answers.
    enum Behaviour: Sendable {
        /// A passive text reply (encrypted when the push was): `reply(content)` of the push.
        case reply(@Sendable (InboundMessage) -> String)
        /// `success`.
        case success
        /// These bytes, as they are (not valid for WeChat, for instance).
        case raw(String)
        /// Nothing until `release()`, then a text reply.
        case hold(@Sendable (InboundMessage) -> String)
    }

    /// One push the handler accepted.
    struct Received: Sendable {
        var message: InboundMessage
        var query: [String: String]
        var body: String
    }

    let app: Application
    let url: String
    private let box: Box

    private final class Box: Sendable {
        let state: Mutex<(behaviour: Behaviour, received: [Received], refused: [String], released: Bool)>
        init(_ behaviour: Behaviour) { state = Mutex((behaviour, [], [], false)) }
    }

    private init(app: Application, url: String, box: Box) {
        self.app = app
        self.url = url
        self.box = box
    }

    /// Starts a handler that checks pushes against `configuration` (its Token, key and mode) at `now`.
    static func start(_ configuration: MessageServer.Configuration, now: @escaping @Sendable () -> Date,
                      behaviour: Behaviour = .success) async throws -> BusinessHandler {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        let server = try MessageServer(configuration: configuration)
        let handler = Box(behaviour)
        app.on(.POST, "wechat", body: .collect(maxSize: "1mb")) { req async throws -> Response in
            let body = req.body.data.map { Data(buffer: $0) } ?? Data()
            let push: MessageServerPush
            do {
                let request = try MessageServerRequest(method: .post, queryString: req.url.query ?? "", body: body)
                guard case .push(let received) = try server.handle(request, now: now()) else { throw Abort(.badRequest) }
                push = received
                handler.state.withLock {
                    $0.received.append(Received(message: received.message, query: request.query,
                                                body: String(decoding: body, as: UTF8.self)))
                }
            } catch {
                handler.state.withLock { $0.refused.append("\(error)") }
                return Response(status: .forbidden)
            }
            var behaviour = handler.state.withLock { $0.behaviour }
            if case .hold(let content) = behaviour {
                while !handler.state.withLock({ $0.released }) { try await Task.sleep(for: .milliseconds(10)) }
                behaviour = .reply(content)
            }
            switch behaviour {
            case .reply(let content):
                let xml = MessageReply.text(content(push.message), to: push.message, createTime: Int64(now().timeIntervalSince1970))
                return Response(status: .ok, body: .init(string: try server.reply(xml, to: push)))
            case .success, .hold: return Response(status: .ok, body: .init(string: "success"))
            case .raw(let text): return Response(status: .ok, body: .init(string: text))
            }
        }
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = app.http.server.shared.localAddress?.port ?? 0
        return BusinessHandler(app: app, url: "http://127.0.0.1:\(port)/wechat", box: handler)
    }

    /// A URL where nothing listens any more (connection refused): a port that was just given back.
    static func deadURL() async throws -> String {
        let probe = try await Application.make(.testing)
        probe.logger.logLevel = .critical
        try await probe.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = probe.http.server.shared.localAddress?.port ?? 0
        await probe.server.shutdown()
        try await probe.asyncShutdown()
        return "http://127.0.0.1:\(port)/wechat"
    }

    /// Every later push is answered this way.
    func answer(_ behaviour: Behaviour) { box.state.withLock { $0.behaviour = behaviour; $0.released = false } }
    /// Lets held answers go.
    func release() { box.state.withLock { $0.released = true } }
    var received: [Received] { box.state.withLock { $0.received } }
    /// Why pushes were refused (a bad signature, …): empty when every push verified.
    var refused: [String] { box.state.withLock { $0.refused } }

    func stop() async throws {
        release()
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}
