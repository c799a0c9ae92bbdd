import Fluent
import Foundation
import Vapor
import WeChatKit

/// `/wechat/events`: the official account's server endpoint that WeChat (or the sandbox) calls.
///
/// GET answers WeChat's URL verification with `echostr`, only for a valid signature. POST verifies the signature,
/// refuses stale timestamps, decrypts compatible/safe mode, parses the bounded XML, drops WeChat's repeats (the
/// same nonce, or the same message), records the push, applies follow/unfollow to the identity, and answers
/// `success` — well inside WeChat's five seconds, since nothing here calls out.
struct WeChatEventsController: RouteCollection {
    /// The official account's server endpoint; `nil` (404) when not configured.
    let server: MessageServer?
    let clock: any ServerClock
    let writers: PushWriters
    /// Follow-to-sign-in: a `subscribe`/`SCAN` push for one of its scenes marks the scene scanned.
    var followLogin: FollowLogin? = nil

    func boot(routes: any RoutesBuilder) throws {
        let events = routes.grouped("wechat", "events")
        events.get(use: verify)
        events.on(.POST, body: .collect(maxSize: "64kb"), use: receive)
    }

    private func requireServer() throws -> MessageServer {
        guard let server else {
            throw Abort(.notFound, reason: "The official account's server endpoint is not configured.")
        }
        return server
    }

    func verify(req: Request) async throws -> Response {
        let server = try requireServer()
        do {
            let request = try MessageServerRequest(method: .get, queryString: req.url.query ?? "")
            guard case .verification(let echostr) = try server.handle(request, now: clock.now()) else {
                throw Abort(.badRequest)
            }
            req.logger.info("wechat server URL verified")
            return Self.plain(echostr)
        } catch let error as MessageServerError {
            return refuse(req, error)
        }
    }

    func receive(req: Request) async throws -> Response {
        let server = try requireServer()
        let body = req.body.data.map { Data(buffer: $0) } ?? Data()
        let push: MessageServerPush
        do {
            let request = try MessageServerRequest(method: .post, queryString: req.url.query ?? "", body: body)
            let nonces = DatabaseNonceStore(database: req.db, clock: clock, batcher: writers.nonces)
            guard case .push(let received) = try await server.handle(request, now: clock.now(), nonceStore: nonces)
            else { throw Abort(.badRequest) }
            push = received
        } catch let error as MessageServerError where error == .replayedNonce {
            // WeChat re-sends a push it got no answer to with the same query: already handled, acknowledge it.
            req.logger.info("wechat push repeated", metadata: ["reason": "nonce"])
            return Self.plain(MessageReply.success)
        } catch let error as MessageServerError {
            return refuse(req, error)
        }
        try await PushRecorder(database: req.db, clock: clock, logger: req.logger, writers: writers)
            .record(push.message, appID: server.configuration.appID, address: req.clientAddress)
        // After the push is recorded (a follow's state committed); one conditional UPDATE, so a repeat changes nothing.
        try await followLogin?.scanned(push.message, appID: server.configuration.appID, on: req.db, logger: req.logger)
        return Self.plain(MessageReply.success)
    }

    private func refuse(_ req: Request, _ error: MessageServerError) -> Response {
        let status: HTTPResponseStatus
        switch error {
        case .badSignature, .badMessageSignature, .staleTimestamp, .wrongAppID: status = .forbidden
        case .oversized: status = .payloadTooLarge
        default: status = .badRequest
        }
        req.logger.warning("wechat push refused", metadata: ["error": "\(error)", "status": "\(status.code)"])
        return Response(status: status)
    }

    private static func plain(_ text: String) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .plainText
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
