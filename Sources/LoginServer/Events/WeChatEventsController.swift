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
    func boot(routes: any RoutesBuilder) throws {
        let events = routes.grouped("wechat", "events")
        events.get(use: verify)
        events.on(.POST, body: .collect(maxSize: "64kb"), use: receive)
    }

    private func server(_ req: Request) throws -> MessageServer {
        guard let server = req.login.messageServer else {
            throw Abort(.notFound, reason: "The official account's server endpoint is not configured.")
        }
        return server
    }

    func verify(req: Request) async throws -> Response {
        let server = try server(req)
        do {
            let request = try MessageServerRequest(method: .get, queryString: req.url.query ?? "")
            guard case .verification(let echostr) = try server.handle(request, now: req.login.clock.now()) else {
                throw Abort(.badRequest)
            }
            req.logger.info("wechat server URL verified")
            return Self.plain(echostr)
        } catch let error as MessageServerError {
            return refuse(req, error)
        }
    }

    func receive(req: Request) async throws -> Response {
        let server = try server(req)
        let body = req.body.data.map { Data(buffer: $0) } ?? Data()
        let push: MessageServerPush
        do {
            let request = try MessageServerRequest(method: .post, queryString: req.url.query ?? "", body: body)
            let nonces = DatabaseNonceStore(database: req.db, clock: req.login.clock, batcher: req.login.pushWriters.nonces)
            guard case .push(let received) = try await server.handle(request, now: req.login.clock.now(), nonceStore: nonces)
            else { throw Abort(.badRequest) }
            push = received
        } catch let error as MessageServerError where error == .replayedNonce {
            // WeChat re-sends a push it got no answer to with the same query: already handled, acknowledge it.
            req.logger.info("wechat push repeated", metadata: ["reason": "nonce"])
            return Self.plain(MessageReply.success)
        } catch let error as MessageServerError {
            return refuse(req, error)
        }
        try await PushRecorder(database: req.db, clock: req.login.clock, logger: req.logger, writers: req.login.pushWriters)
            .record(push.message, appID: server.configuration.appID)
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
