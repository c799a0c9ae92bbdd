import Fluent
import Foundation
import Synchronization
import Testing
import Vapor
@testable import LoginServer

/// Production code delivery: one-time codes POSTed to an SMS/email gateway's webhook.
@Suite(.serialized) struct CodeWebhookTests {
    /// A stand-in SMS gateway on a real port that records what it is sent and answers with `status`.
    final class Gateway: Sendable {
        let app: Application
        let url: URL
        private let received = Mutex<[[String: String]]>([])

        private init(app: Application, url: URL) {
            self.app = app
            self.url = url
        }

        var payloads: [[String: String]] { received.withLock { $0 } }

        static func start(status: HTTPResponseStatus) async throws -> Gateway {
            let app = try await Application.make(.testing)
            app.logger.logLevel = .critical
            let box = Mutex<Gateway?>(nil)
            app.post("send") { req -> Response in
                let payload = try req.content.decode([String: String].self)
                box.withLock { $0?.received.withLock { $0.append(payload) } }
                return Response(status: status)
            }
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = app.http.server.shared.localAddress?.port ?? 0
            let gateway = Gateway(app: app, url: URL(string: "http://127.0.0.1:\(port)/send")!)
            box.withLock { $0 = gateway }
            return gateway
        }

        func stop() async throws {
            await app.server.shutdown()
            try await app.asyncShutdown()
        }
    }

    private func requestCode(_ world: LoginWorld, contact: String) async throws -> Browser.Result {
        let browser = world.browser()
        _ = try await browser.pcLogin(as: "u1")
        let form = try await browser.get("\(LoginWorld.serverBase)/bind")
        let csrf = try #require(form.input("csrf"))
        return try await browser.post("\(LoginWorld.serverBase)/bind/code", form: [("contact", contact), ("csrf", csrf)])
    }

    @Test func theGatewayReceivesTheCodeAndTheMessage() async throws {
        let gateway = try await Gateway.start(status: .ok)
        do {
            try await LoginWorld.with(adjust: { $0.codeDelivery = .webhook(gateway.url) }) { world in
                let sent = try await requestCode(world, contact: "alice@example.com")
                #expect(sent.location?.hasPrefix("/bind/verify") == true)
                let payload = try #require(gateway.payloads.first)
                #expect(payload["channel"] == "email")
                #expect(payload["destination"] == "alice@example.com")
                #expect(payload["language"] == "zh-CN")
                let code = try #require(payload["code"])
                #expect(code.count == 6)
                #expect(payload["message"]?.contains(code) == true)
                #expect(try await world.count(OutboxMessage.self) == 0, "nothing lands in the development outbox")
                let challenge = try #require(try await BindChallenge.query(on: world.server.db).first())
                #expect(OneTimeCode(typed: code)?.matches(
                    hash: challenge.codeHash, challengeID: try challenge.requireID().uuidString,
                    key: world.services.configuration.codeKey) == true)
            }
        } catch {
            try await gateway.stop()
            throw error
        }
        try await gateway.stop()
    }

    @Test func aRefusingGatewayLeavesNoChallengeAndAllowsARetry() async throws {
        let gateway = try await Gateway.start(status: .serviceUnavailable)
        do {
            try await LoginWorld.with(adjust: { $0.codeDelivery = .webhook(gateway.url) }) { world in
                let failed = try await requestCode(world, contact: "13800138000")
                #expect(failed.status == 502)
                #expect(failed.body.contains("验证码发送失败"))
                #expect(gateway.payloads.count == 1)
                #expect(try await world.count(BindChallenge.self) == 0, "no cooldown blocks the retry")
            }
        } catch {
            try await gateway.stop()
            throw error
        }
        try await gateway.stop()
    }
}
