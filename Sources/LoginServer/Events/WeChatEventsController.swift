import Fluent
import Foundation
import Vapor
import WeChatKit

/// `/wechat/events`: the official account's server endpoint that WeChat (or the sandbox) calls.
///
/// GET answers WeChat's URL verification with `echostr`, only for a valid signature. POST verifies the signature,
/// refuses stale timestamps, decrypts compatible/safe mode, parses the bounded XML, drops WeChat's repeats (the
/// same nonce, or the same message), records the push, applies follow/unfollow to the identity, and answers
/// `success`. With a relay, what the server did not consume then goes to the business's handler, and its passive
/// reply (or `success`) is the answer, within the relay's timeout from the push's arrival (`PushRelay`).
struct WeChatEventsController: RouteCollection {
    /// The official account's server endpoint; `nil` (404) when not configured.
    let server: MessageServer?
    /// The business's own handler's relay; `nil` when not configured.
    let relay: PushRelay?
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
        // The relay's deadline counts from here: WeChat's five seconds started when it sent the push.
        let arrival = ContinuousClock.now
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
            // WeChat re-sends a push it got no answer to with the same query: already handled, acknowledge it (with
            // the handler's reply when it was relayed; never forwarded again). The request passed every check before
            // the nonce's; reading it again gives the push's key.
            req.logger.info("wechat push repeated", metadata: ["reason": "nonce"])
            guard let relay, case .push(let repeated) = try? server.handle(
                MessageServerRequest(method: .post, queryString: req.url.query ?? "", body: body), now: clock.now()),
                relay.forwards(PushConsumption(key: PushRecorder.key(repeated.message), isFirstArrival: false,
                                               isConsumed: PushConsumption.consumes(repeated.message)
                                                   || isFollowLoginScan(repeated.message, appID: server.configuration.appID)))
            else { return Self.plain(MessageReply.success) }
            let answer = await relay.answerRepeat(key: PushRecorder.key(repeated.message), arrival: arrival,
                                                  on: req.db, logger: req.logger)
            return answerWeChat(answer, to: repeated, server: server, req: req)
        } catch let error as MessageServerError {
            return refuse(req, error)
        }
        var consumption = try await PushRecorder(database: req.db, clock: clock, logger: req.logger, writers: writers)
            .record(push.message, appID: server.configuration.appID, address: req.clientAddress)
        // Follow-to-sign-in after the push is recorded (a follow's state committed): one conditional UPDATE, so a
        // repeat changes nothing. A scan of one of its own scenes is the server's, never the business handler's.
        if let followLogin, isFollowLoginScan(push.message, appID: server.configuration.appID) {
            try await followLogin.scanned(push.message, appID: server.configuration.appID, on: req.db, logger: req.logger)
            consumption.isConsumed = true
        }
        guard let relay, relay.forwards(consumption) else { return Self.plain(MessageReply.success) }
        let answer = consumption.isFirstArrival
            ? await relay.relay(push, key: consumption.key, arrival: arrival, on: req.db, logger: req.logger)
            : await relay.answerRepeat(key: consumption.key, arrival: arrival, on: req.db, logger: req.logger)
        return answerWeChat(answer, to: push, server: server, req: req)
    }

    /// A `subscribe`/`SCAN` for one of follow-to-sign-in's own scenes (its prefix): the server's own push, whether
    /// or not it still finds the scene pending, so the business's handler never gets it unless told to.
    private func isFollowLoginScan(_ message: InboundMessage, appID: String) -> Bool {
        guard let followLogin, appID == followLogin.appID else { return false }
        return FollowLogin.scene(of: message) != nil
    }

    /// The relay's answer in the account's mode: the handler's reply encrypted like the push was, or `success`.
    private func answerWeChat(_ answer: PushRelay.Answer, to push: MessageServerPush, server: MessageServer,
                              req: Request) -> Response {
        guard case .reply(let xml) = answer else { return Self.plain(MessageReply.success) }
        do {
            var headers = HTTPHeaders()
            headers.contentType = .xml
            return Response(status: .ok, headers: headers, body: .init(string: try server.reply(xml, to: push)))
        } catch {
            req.logger.error("relay reply not encrypted; WeChat gets success", metadata: ["error": "\(error)"])
            return Self.plain(MessageReply.success)
        }
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
