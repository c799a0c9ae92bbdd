import Foundation
import Synchronization
import Testing
import Vapor
import WeChatKit
import WeChatSandbox

/// The sandbox's pushes, received by a server endpoint built on WeChatKit's `MessageServer`: signatures verified,
/// safe-mode bodies decrypted, events typed.
@Suite struct PushRoundTripTests {
    /// What a receiver got: accepted messages and refusals.
    final class Inbox: Sendable {
        private let received = Mutex<[InboundMessage]>([])
        private let refused = Mutex<[String]>([])

        var messages: [InboundMessage] { received.withLock { $0 } }
        var refusals: [String] { refused.withLock { $0 } }

        func accept(_ message: InboundMessage) { received.withLock { $0.append(message) } }
        func refuse(_ reason: String) { refused.withLock { $0.append(reason) } }
    }

    /// A minimal official-account server endpoint on a real port.
    final class Receiver: Sendable {
        let app: Application
        let url: String
        let inbox: Inbox

        init(app: Application, url: String, inbox: Inbox) {
            self.app = app
            self.url = url
            self.inbox = inbox
        }

        var messages: [InboundMessage] { inbox.messages }
        var refusals: [String] { inbox.refusals }

        static func start(server: MessageServer) async throws -> Receiver {
            let app = try await Application.make(.testing)
            app.logger.logLevel = .critical
            let inbox = Inbox()
            app.on(.POST, "wechat", "events", body: .collect(maxSize: "64kb")) { req -> Response in
                let body = req.body.data.map { Data(buffer: $0) } ?? Data()
                do {
                    let request = try MessageServerRequest(method: .post, queryString: req.url.query ?? "", body: body)
                    guard case .push(let push) = try server.handle(request, now: Date()) else {
                        return Response(status: .badRequest)
                    }
                    inbox.accept(push.message)
                    return Response(status: .ok, body: .init(string: MessageReply.success))
                } catch {
                    inbox.refuse("\(error)")
                    return Response(status: .forbidden)
                }
            }
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let url = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)/wechat/events"
            return Receiver(app: app, url: url, inbox: inbox)
        }

        func stop() async throws {
            await app.server.shutdown()
            try await app.asyncShutdown()
        }

        /// Waits (bounded, real time) until `count` messages arrived.
        func waitFor(_ count: Int) async throws {
            for _ in 0..<100 where messages.count < count { try await Task.sleep(for: .milliseconds(50)) }
        }
    }

    func messageServer(_ world: RoundTrip, mode: MessageServer.Configuration.Mode) async throws -> MessageServer {
        let app = try #require(await world.sandbox.app(world.officialAccount.appID))
        return try MessageServer(configuration: .init(
            token: try #require(app.token), appID: app.appID, mode: mode,
            encodingAESKey: try EncodingAESKey(try #require(app.encodingAESKey))))
    }

    @Test(arguments: ["safe", "compatible", "plaintext"])
    func followPushesAreVerifiedAndDecrypted(_ mode: String) async throws {
        try await RoundTrip.with { world in
            let serverMode: MessageServer.Configuration.Mode = mode == "safe" ? .safe : mode == "compatible" ? .compatible : .plaintext
            let receiver = try await Receiver.start(server: try await messageServer(world, mode: serverMode))
            do {
                try await world.control(.PATCH, "apps/\(world.officialAccount.appID)",
                                        json: #"{"serverURL":"\#(receiver.url)","encryptionMode":"\#(mode)"}"#)
                try await world.control(.POST, "users/u3/follow", json: #"{"appid":"\#(world.officialAccount.appID)"}"#)
                try await world.control(.POST, "users/u3/unfollow", json: #"{"appid":"\#(world.officialAccount.appID)"}"#)
                try await receiver.waitFor(2)
                let openID = world.sandbox.openID(userID: "u3", appID: world.officialAccount.appID)
                let events = receiver.messages.map(\.kind)
                #expect(events.contains { if case .event(.subscribe) = $0 { true } else { false } })
                #expect(events.contains { if case .event(.unsubscribe) = $0 { true } else { false } })
                #expect(receiver.messages.allSatisfy { $0.fromUserName == openID })
                #expect(receiver.refusals.isEmpty)
            } catch {
                try await receiver.stop()
                throw error
            }
            try await receiver.stop()
        }
    }

    @Test func templateJobFinishedEventsCarryTheMsgIDAndExactStatus() async throws {
        try await RoundTrip.with { world in
            let receiver = try await Receiver.start(server: try await messageServer(world, mode: .safe))
            do {
                try await world.control(.PATCH, "apps/\(world.officialAccount.appID)", json: #"{"serverURL":"\#(receiver.url)"}"#)
                let client = TemplateMessageClient(
                    tokenProvider: world.tokenProvider(), configuration: .init(endpoint: world.endpoint),
                    httpClient: world.http)
                func send(_ user: String) async throws -> Int64 {
                    try await client.send(TemplateMessage(
                        toUser: world.sandbox.openID(userID: user, appID: world.officialAccount.appID),
                        templateID: "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY", data: [.init("first", "你好")]))
                }
                let delivered = try await send("u1")
                let blocked = try await send("u2")
                try await receiver.waitFor(2)
                var statuses: [Int64: InboundMessage.TemplateSendStatus] = [:]
                for message in receiver.messages {
                    if case .event(.templateSendJobFinish(let msgID, let status)) = message.kind { statuses[msgID] = status }
                }
                #expect(statuses[delivered] == .success)
                #expect(statuses[blocked] == .userBlock)
            } catch {
                try await receiver.stop()
                throw error
            }
            try await receiver.stop()
        }
    }

    @Test func aServerWithTheWrongTokenRefusesEveryPush() async throws {
        try await RoundTrip.with { world in
            let app = try #require(await world.sandbox.app(world.officialAccount.appID))
            let wrong = try MessageServer(configuration: .init(
                token: "not-the-token", appID: app.appID, mode: .safe,
                encodingAESKey: try EncodingAESKey(try #require(app.encodingAESKey))))
            let receiver = try await Receiver.start(server: wrong)
            do {
                try await world.control(.PATCH, "apps/\(app.appID)", json: #"{"serverURL":"\#(receiver.url)"}"#)
                try await world.control(.POST, "users/u3/follow", json: #"{"appid":"\#(app.appID)"}"#)
                for _ in 0..<100 where receiver.refusals.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
                #expect(receiver.messages.isEmpty)
                #expect(receiver.refusals.first == "\(MessageServerError.badSignature)")
            } catch {
                try await receiver.stop()
                throw error
            }
            try await receiver.stop()
        }
    }
}
