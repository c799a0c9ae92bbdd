import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The SMS/email gateway the login servers post one-time codes to (`CODE_WEBHOOK_URL`), on loopback. The OpenID
/// Connect scenario binds its WeChat identities at `/bind` as a person does, reading each code here: a sign-in
/// through the provider needs an account, and the admin API has no way to make one.
final class CodeWebhook: Sendable {
    private let channel: any Channel
    private let inbox: Inbox
    let url: String

    /// The codes received, by destination (the address as the server normalised it: trimmed, lowercased).
    final class Inbox: Sendable {
        private let codes = Mutex<[String: String]>([:])

        /// Records `{"destination", "code", …}`; false when the body is not that.
        func record(_ body: ByteBuffer) -> Bool {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                  let destination = object["destination"] as? String, let code = object["code"] as? String else { return false }
            codes.withLock { $0[destination] = code }
            return true
        }

        /// The last code sent to `destination`, forgotten once read.
        func take(_ destination: String) -> String? {
            codes.withLock { $0.removeValue(forKey: destination) }
        }
    }

    private init(channel: any Channel, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
        url = "http://127.0.0.1:\(channel.localAddress?.port ?? 0)/codes"
    }

    /// Listens on a free loopback port.
    static func start() async throws -> CodeWebhook {
        let inbox = Inbox()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(inbox: inbox))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return CodeWebhook(channel: channel, inbox: inbox)
    }

    /// The code last sent to `destination`; the server posts it before it answers the form, so it is here by then.
    func code(for destination: String) throws -> String {
        guard let code = inbox.take(destination) else { throw BenchFailure("no one-time code reached the webhook for \(destination)") }
        return code
    }

    func stop() async {
        try? await channel.close()
    }

    /// Answers every request 200 (empty) after recording its body (400 when it is not a code).
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let inbox: Inbox
        private var body = ByteBuffer()
        private var keepAlive = true

        init(inbox: Inbox) { self.inbox = inbox }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                body.clear()
                keepAlive = head.isKeepAlive
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                var headers = HTTPHeaders([("Content-Length", "0")])
                if !keepAlive { headers.add(name: "Connection", value: "close") }
                let status: HTTPResponseStatus = inbox.record(body) ? .ok : .badRequest
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                              promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                if !keepAlive { context.close(promise: nil) }
            }
        }
    }
}
