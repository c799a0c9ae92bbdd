import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
import WeChatKit
import WeChatSandbox
@testable import LoginServer

/// The relay: pushes the server does not consume go to a stand-in business handler, signed and encrypted as WeChat
/// would send them, and its passive reply comes back to WeChat; slow, dead and repeated cases as documented in
/// `PushRelay` and DEPLOYMENT.md.
@Suite(.serialized) struct RelayTests {
    static let appID = SandboxConfiguration.defaultOfficialAccountID
    static let accountKey = try! EncodingAESKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
    static let handlerKey = try! EncodingAESKey("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut")

    /// The official account's server settings in `mode`.
    static func account(_ mode: MessageServer.Configuration.Mode) -> MessageServer.Configuration {
        MessageServer.Configuration(token: "accounttoken", appID: appID, mode: mode,
                                    encodingAESKey: mode == .plaintext ? nil : accountKey)
    }

    /// How the test's handler is set up: its own Token and key (safe) or the account's (plaintext).
    struct Setup: Sendable, CustomStringConvertible {
        var accountMode: MessageServer.Configuration.Mode
        var handlerMode: MessageServer.Configuration.Mode?
        var ownToken: Bool
        var description: String { "account \(accountMode), handler \(handlerMode.map { "\($0)" } ?? "same"), own token \(ownToken)" }
    }

    /// Runs `body` with a handler and a server relaying to it.
    func withRelay(_ setup: Setup = Setup(accountMode: .plaintext, handlerMode: nil, ownToken: false),
                   behaviour: BusinessHandler.Behaviour = .success,
                   adjust: @escaping (inout PushRelayConfiguration) -> Void = { _ in },
                   _ body: (LoginWorld, BusinessHandler, MessageServer.Configuration) async throws -> Void) async throws {
        let account = Self.account(setup.accountMode)
        var relay = PushRelayConfiguration(handlerURL: "http://127.0.0.1:1/unused")
        if setup.ownToken { relay.token = "handlertoken" }
        if setup.handlerMode == .safe { relay.encodingAESKey = Self.handlerKey }
        relay.mode = setup.handlerMode
        let handler = try await BusinessHandler.start(relay.handlerServer(account: account), now: { Date() },
                                                      behaviour: behaviour)
        relay.handlerURL = handler.url
        adjust(&relay)
        do {
            try await LoginWorld.with(adjust: { $0.messageServer = account; $0.relay = relay }) { world in
                try await body(world, handler, account)
            }
        } catch {
            try? await handler.stop()
            throw error
        }
        try await handler.stop()
    }

    /// A push as WeChat sends it to the account's URL: signed, encrypted in compatible/safe mode.
    static func signed(_ xml: String, account: MessageServer.Configuration, nonce: String = String(UUID().uuidString.prefix(10)).lowercased(),
                       now: Date) throws -> (query: String, body: String) {
        let ts = String(Int(now.timeIntervalSince1970))
        var query = "signature=\(MessageSignature.plain(token: account.token, timestamp: ts, nonce: nonce))&timestamp=\(ts)&nonce=\(nonce)&openid=oRelayUser"
        guard account.mode != .plaintext, let key = account.encodingAESKey else { return (query, xml) }
        let encrypted = try MessageCrypto(token: account.token, appID: account.appID, key: key).encrypt(xml, timestamp: ts, nonce: nonce)
        query += "&encrypt_type=aes&msg_signature=\(encrypted.msgSignature)"
        return (query, "<xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><Encrypt><![CDATA[\(encrypted.encrypt)]]></Encrypt></xml>")
    }

    static func textXML(_ content: String, msgID: Int64, from openID: String = "oRelayUser") -> String {
        "<xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><FromUserName><![CDATA[\(openID)]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[\(content)]]></Content><MsgId>\(msgID)</MsgId></xml>"
    }

    static func clickXML(_ key: String, time: Int = 1_700_000_100) -> String {
        "<xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><FromUserName><![CDATA[oRelayUser]]></FromUserName><CreateTime>\(time)</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[\(key)]]></EventKey></xml>"
    }

    static func subscribeXML(time: Int = 1_700_000_200) -> String {
        "<xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><FromUserName><![CDATA[oRelayUser]]></FromUserName><CreateTime>\(time)</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event><EventKey><![CDATA[]]></EventKey></xml>"
    }

    static func post(_ app: Application, _ push: (query: String, body: String)) async throws -> (status: Int, body: String) {
        var headers = HTTPHeaders()
        headers.contentType = .xml
        let response = try await app.testing().performTest(request: TestingHTTPRequest(
            method: .POST, url: URI(string: "/wechat/events?\(push.query)"), headers: headers,
            body: ByteBuffer(string: push.body)))
        return (Int(response.status.code), String(buffer: response.body))
    }

    /// What WeChat makes of the answer: `nil` for `success`, else the reply's `Content`, after checking the
    /// encrypted envelope's signature and decrypting it as WeChat would in the account's mode.
    static func replyContent(_ body: String, account: MessageServer.Configuration,
                             push: (query: String, body: String)) throws -> String? {
        if body == "success" || body.isEmpty { return nil }
        let parser = XMLPushParser()
        var root = try parser.parse(body)
        if push.query.contains("encrypt_type=aes") {
            let crypto = MessageCrypto(token: account.token, appID: account.appID, key: try #require(account.encodingAESKey))
            let decrypted = try crypto.decrypt(
                encrypt: try #require(root["Encrypt"]?.text), msgSignature: try #require(root["MsgSignature"]?.text),
                timestamp: try #require(root["TimeStamp"]?.text), nonce: try #require(root["Nonce"]?.text))
            root = try parser.parse(decrypted.message)
        } else {
            #expect(root["Encrypt"] == nil, "a plaintext push gets a plaintext reply")
        }
        #expect(root["ToUserName"]?.text == "oRelayUser", "the reply goes to the person who wrote")
        #expect(root["MsgType"]?.text == "text")
        return root["Content"]?.text
    }

    static let setups = [
        Setup(accountMode: .plaintext, handlerMode: nil, ownToken: false),
        Setup(accountMode: .safe, handlerMode: nil, ownToken: false),
        Setup(accountMode: .safe, handlerMode: .safe, ownToken: true),
        Setup(accountMode: .plaintext, handlerMode: .safe, ownToken: true),
        Setup(accountMode: .safe, handlerMode: .plaintext, ownToken: true),
        Setup(accountMode: .compatible, handlerMode: .compatible, ownToken: false),
    ]

    @Test(arguments: setups)
    func aTextMessageAndAMenuClickReachTheHandlerSignedAndItsReplyComesBack(_ setup: Setup) async throws {
        let echo: @Sendable (InboundMessage) -> String = { message in
            switch message.kind {
            case .text(let content, _): "你说：\(content)"
            default: "菜单 \(message.fields["EventKey"] ?? "?")"
            }
        }
        try await withRelay(setup, behaviour: .reply(echo)) { world, handler, account in
            let text = try Self.signed(Self.textXML("你好 <relay>", msgID: 7001), account: account, now: world.clock.now())
            let answer = try await Self.post(world.server, text)
            #expect(answer.status == 200)
            #expect(try Self.replyContent(answer.body, account: account, push: text) == "你说：你好 <relay>")

            let click = try Self.signed(Self.clickXML("MENU_HELP"), account: account, now: world.clock.now())
            let clicked = try await Self.post(world.server, click)
            #expect(try Self.replyContent(clicked.body, account: account, push: click) == "菜单 MENU_HELP")

            #expect(handler.refused.isEmpty, "every forwarded push verified with the handler's Token and key")
            let received = handler.received
            try #require(received.count == 2)
            #expect(received[0].message.fromUserName == "oRelayUser")
            #expect(received[0].message.kind == .text(content: "你好 <relay>", msgID: 7001))
            #expect(received[1].message.kind == .event(.other(name: "CLICK")))
            #expect(received[1].message.fields["EventKey"] == "MENU_HELP")
            #expect(received[0].query["openid"] == "oRelayUser")
            let handlerMode = setup.handlerMode ?? setup.accountMode
            if handlerMode == .plaintext {
                #expect(received[0].body == Self.textXML("你好 <relay>", msgID: 7001), "the original XML, byte for byte")
                #expect(received[0].query["encrypt_type"] == nil)
            } else {
                #expect(received[0].query["encrypt_type"] == "aes")
                #expect(received[0].body.contains("<Encrypt>"))
                #expect(received[0].body.contains("你好") == (handlerMode == .compatible),
                        "safe mode carries the message encrypted only; compatible mode the fields too")
            }
            let rows = try await world.server.db.sql().raw("SELECT state FROM push_relays").all()
            #expect(try rows.map { try $0.decode(column: "state", as: String.self) } == ["replied", "replied"])
        }
    }

    @Test func consumedPushesStayHereUnlessConfiguredAndASuccessIsPassedOn() async throws {
        try await withRelay { world, handler, account in
            let follow = try Self.signed(Self.subscribeXML(), account: account, now: world.clock.now())
            #expect(try await Self.post(world.server, follow).body == "success")
            #expect(handler.received.isEmpty, "a follow is the server's own")
            let text = try Self.signed(Self.textXML("hi", msgID: 7002), account: account, now: world.clock.now())
            #expect(try await Self.post(world.server, text).body == "success", "the handler answered success")
            #expect(handler.received.count == 1)
        }
        try await withRelay(adjust: { $0.forwardConsumed = true }) { world, handler, account in
            let follow = try Self.signed(Self.subscribeXML(), account: account, now: world.clock.now())
            #expect(try await Self.post(world.server, follow).body == "success")
            #expect(handler.received.map(\.message.kind) == [.event(.subscribe(eventKey: nil, scene: nil, ticket: nil))])
            #expect(try await world.count(InboundEvent.self) == 1, "and the server still records it")
        }
    }

    @Test(arguments: ["{\"reply\":\"json\"}", "<xml><unclosed>", String(repeating: "x", count: 70_000)])
    func aReplyWeChatWouldNotAcceptBecomesSuccess(_ junk: String) async throws {
        try await withRelay(behaviour: .raw(junk)) { world, handler, account in
            let text = try Self.signed(Self.textXML("hi", msgID: 7003), account: account, now: world.clock.now())
            let answer = try await Self.post(world.server, text)
            #expect(answer.status == 200 && answer.body == "success")
            #expect(handler.received.count == 1)
            #expect(world.logs.all.contains { $0.contains("relay handler's answer refused") })
        }
    }

    @Test func aSlowHandlerGetsCutOffAtTheTimeoutAndWeChatGetsSuccessOnce() async throws {
        try await withRelay(behaviour: .hold({ _ in "too late" }), adjust: { $0.timeout = .milliseconds(300) }) {
            world, handler, account in
            let text = try Self.signed(Self.textXML("slow", msgID: 7004), account: account, now: world.clock.now())
            let started = ContinuousClock.now
            let answer = try await Self.post(world.server, text)
            let elapsed = started.duration(to: .now)
            #expect(answer.status == 200 && answer.body == "success")
            #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(2), "\(elapsed)")
            #expect(world.logs.all.contains { $0.contains("relay handler too slow") })
            // WeChat's retry (same query) and the same message with a new nonce: success, never forwarded again.
            handler.release()
            #expect(try await Self.post(world.server, text).body == "success")
            let again = try Self.signed(Self.textXML("slow", msgID: 7004), account: account, now: world.clock.now())
            #expect(try await Self.post(world.server, again).body == "success")
            #expect(handler.received.count == 1)
        }
    }

    @Test func aDeadHandlerMeansSuccessAtOnce() async throws {
        let dead = try await BusinessHandler.deadURL()
        try await withRelay(adjust: { $0.handlerURL = dead; $0.timeout = .seconds(3) }) { world, _, account in
            let text = try Self.signed(Self.textXML("anyone?", msgID: 7005), account: account, now: world.clock.now())
            let started = ContinuousClock.now
            let answer = try await Self.post(world.server, text)
            #expect(answer.status == 200 && answer.body == "success")
            #expect(started.duration(to: .now) < .seconds(2), "not held until the timeout")
            #expect(world.logs.all.contains { $0.contains("relay handler unreachable") })
            #expect(!world.logs.all.contains { $0.contains("accounttoken") || $0.contains("signature=") })
            let metrics = try await world.browser().get("\(LoginWorld.serverBase)/metrics")
            #expect(metrics.body.contains(#"wechat_login_relay_pushes_total{outcome="unreachable"}"#), "counted in metrics")
        }
    }

    /// WeChat's retry while the first arrival is still waiting for the handler, and after: one forward, one reply.
    @Test(arguments: [MessageServer.Configuration.Mode.plaintext, .safe])
    func aRetryWhileAndAfterRelayingGetsTheSameReplyAndIsNotForwarded(_ mode: MessageServer.Configuration.Mode) async throws {
        try await withRelay(Setup(accountMode: mode, handlerMode: nil, ownToken: false),
                            behaviour: .hold({ _ in "once" }), adjust: { $0.timeout = .seconds(4) }) { world, handler, account in
            let text = try Self.signed(Self.textXML("retry", msgID: 7006), account: account, now: world.clock.now())
            let server = world.server
            let first = Task { try await Self.post(server, text) }
            try await world.waitFor { handler.received.count == 1 }
            let retry = Task { try await Self.post(server, text) }
            try await Task.sleep(for: .milliseconds(200))
            handler.release()
            let answers = [try await first.value, try await retry.value]
            for answer in answers {
                #expect(try Self.replyContent(answer.body, account: account, push: text) == "once")
            }
            let later = try Self.signed(Self.textXML("retry", msgID: 7006), account: account, now: world.clock.now())
            #expect(try Self.replyContent(try await Self.post(server, later).body, account: account, push: later) == "once",
                    "the same message under a new nonce gets the stored reply")
            #expect(handler.received.count == 1, "forwarded once")
        }
    }

    /// Two instances on one PostgreSQL database: the same push arriving at both at once is forwarded once, and both
    /// answer the handler's reply.
    @Test(.enabled(if: LoginWorld.defaultDatabase != .sqliteMemory, "needs TEST_DATABASE_URL (PostgreSQL)"))
    func theSamePushAtTwoInstancesIsForwardedOnce() async throws {
        try await withRelay(Setup(accountMode: .safe, handlerMode: nil, ownToken: false),
                            behaviour: .reply({ _ in "one" })) { world, handler, account in
            let second = try await Application.make(.testing)
            second.logger.logLevel = .critical
            do {
                try await LoginServer.configure(second, world.services.configuration, clock: world.clock)
                for round in 0..<5 {
                    let push = try Self.signed(Self.textXML("both \(round)", msgID: 7100 + Int64(round)), account: account,
                                               now: world.clock.now())
                    let instances = [world.server, second, world.server, second]
                    let answers = try await withThrowingTaskGroup(of: String.self) { group in
                        for app in instances { group.addTask { try await Self.post(app, push).body } }
                        return try await group.reduce(into: [String]()) { $0.append($1) }
                    }
                    for answer in answers {
                        #expect(try Self.replyContent(answer, account: account, push: push) == "one")
                    }
                    #expect(handler.received.count == round + 1, "round \(round): forwarded once")
                }
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
            try await second.asyncShutdown()
        }
    }

    /// End to end: the sandbox's phone sends a text message and presses a `click` menu button; the push goes to the
    /// server (safe mode), on to the business's handler (plaintext, its own Token), and the handler's reply is shown
    /// in the phone's chat.
    @Test func thePhonesMessageAndMenuClickGetTheHandlersReplyInTheChat() async throws {
        let handlerServer = MessageServer.Configuration(token: "handlertoken", appID: Self.appID, mode: .plaintext)
        let handler = try await BusinessHandler.start(handlerServer, now: { Date() }, behaviour: .reply({ message in
            switch message.kind {
            case .text(let content, _): "商家回复：\(content)"
            default: "菜单回复：\(message.fields["EventKey"] ?? "?")"
            }
        }))
        var relay = PushRelayConfiguration(handlerURL: handler.url)
        relay.token = "handlertoken"
        relay.mode = .plaintext
        do {
            try await LoginWorld.with(adjust: { $0.relay = relay }) { world in
                #expect(world.services.configuration.messageServer?.mode == .safe)
                try await world.listenForPushes()
                try await world.control(.PATCH, "apps/\(world.officialAccountID)",
                                        json: #"{"menu":[{"name":"帮助","type":"click","key":"MENU_HELP"}]}"#)
                let sent = try await world.control(.POST, "users/u1/chat/\(world.officialAccountID)", json: #"{"text":"在吗"}"#)
                #expect(sent.status == 200)
                #expect(sent.body.contains(#""delivery":"acknowledged""#), "\(sent.body)")
                #expect(sent.body.contains("商家回复：在吗"), "\(sent.body)")
                let clicked = try await world.control(.POST, "users/u1/chat/\(world.officialAccountID)",
                                                      json: #"{"click":"MENU_HELP"}"#)
                #expect(clicked.body.contains("菜单回复：MENU_HELP"), "\(clicked.body)")
                let page = try await world.browser().get("\(world.sandboxBase)/sandbox/phone/u1/chat/\(world.officialAccountID)")
                #expect(page.body.contains("商家回复：在吗") && page.body.contains("菜单回复：MENU_HELP"))
                #expect(handler.refused.isEmpty)
                #expect(handler.received.count == 2)
                #expect(handler.received.first?.query["encrypt_type"] == nil, "the handler gets plaintext, as configured")
            }
        } catch {
            try? await handler.stop()
            throw error
        }
        try await handler.stop()
    }
}
