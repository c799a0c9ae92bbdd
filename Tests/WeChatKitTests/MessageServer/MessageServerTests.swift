import Foundation
import Testing
import WeChatKit

@Suite struct MessageServerTests {
    typealias Official = MessageServerFixtures.Official

    static let now = MessageServerFixtures.date(1_409_304_348)

    static func server(_ mode: MessageServer.Configuration.Mode, previousKey: String? = nil) throws -> MessageServer {
        try MessageServer(configuration: .init(
            token: Official.token, appID: Official.appID, mode: mode,
            encodingAESKey: mode == .plaintext ? nil : try EncodingAESKey(Official.encodingAESKey),
            previousEncodingAESKey: try previousKey.map(EncodingAESKey.init)
        ))
    }

    /// Vector C's request: the full query string and the safe-mode body.
    static func vectorC() throws -> MessageServerRequest {
        try MessageServerRequest(method: .post, queryString: Official.queryC, body: Data(Official.bodyC.utf8))
    }

    static func plainQuery(_ extra: [String: String] = [:]) -> [String: String] {
        ["signature": Official.plainSignature, "timestamp": Official.timestamp, "nonce": Official.nonce].merging(extra) { $1 }
    }

    @Test(arguments: [MessageServer.Configuration.Mode.safe, .compatible])
    func vectorCParsesAsASubscribeEvent(_ mode: MessageServer.Configuration.Mode) throws {
        let outcome = try Self.server(mode).handle(try Self.vectorC(), now: Self.now)
        guard case .push(let push) = outcome else { Issue.record("expected a push"); return }
        #expect(push.message.kind == .event(.subscribe(eventKey: nil, scene: nil, ticket: nil)))
        #expect(push.message.fromUserName == "oia2TjuEGTNoeX76QEjQNrcURxG8")
        #expect(push.message.toUserName == "gh_7f083739789a")
        #expect(push.keySlot == .current)
        #expect(push.isEncrypted)
        #expect(push.openID == "oia2TjuEGTNoeX76QEjQNrcURxG8")
        #expect(push.timestamp == Official.timestamp && push.nonce == Official.nonce)
    }

    @Test func vectorCIsRefusedInPlaintextMode() throws {
        #expect(throws: MessageServerError.encryptionNotConfigured) { try Self.server(.plaintext).handle(try Self.vectorC(), now: Self.now) }
    }

    @Test func urlVerificationEchoesTheRawEchostr() throws {
        for mode in [MessageServer.Configuration.Mode.plaintext, .compatible, .safe] {
            let request = MessageServerRequest(method: .get, query: Self.plainQuery(["echostr": "5838479218127813673"]))
            #expect(try Self.server(mode).handle(request, now: Self.now) == .verification(echostr: "5838479218127813673"))
        }
    }

    @Test(arguments: [
        (["signature": "76480565cbe296026c53aaacd1ad523a1ddba24e"], MessageServerError.badSignature),
        (["nonce": "xxxxxy"], .badSignature),
        (["echostr": ""], .invalidParameter),
        (["echostr": String(repeating: "1", count: 513)], .invalidParameter),
    ])
    func urlVerificationFailures(_ overrides: [String: String], _ expected: MessageServerError) throws {
        let request = MessageServerRequest(method: .get, query: Self.plainQuery(["echostr": "1"].merging(overrides) { $1 }))
        #expect(throws: expected) { try Self.server(.plaintext).handle(request, now: Self.now) }
    }

    @Test(arguments: ["signature", "timestamp", "nonce", "echostr"])
    func urlVerificationNeedsEveryParameter(_ missing: String) throws {
        var query = Self.plainQuery(["echostr": "1"])
        query[missing] = nil
        #expect(throws: MessageServerError.missingParameter) {
            try Self.server(.plaintext).handle(MessageServerRequest(method: .get, query: query), now: Self.now)
        }
    }

    @Test func staleTimestampIsRejectedAfterTheSignature() throws {
        let request = MessageServerRequest(method: .get, query: Self.plainQuery(["echostr": "1"]))
        #expect(throws: MessageServerError.staleTimestamp) {
            try Self.server(.plaintext).handle(request, now: Self.now.addingTimeInterval(301))
        }
        let custom = try MessageServer(configuration: .init(token: Official.token, appID: Official.appID, timestampWindow: .init(tolerance: .seconds(600))))
        #expect(try custom.handle(request, now: Self.now.addingTimeInterval(599)) == .verification(echostr: "1"))
    }

    @Test func plaintextPushIsParsed() throws {
        let body = InboundMessageTests.push("<Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[42]]></EventKey><Ticket><![CDATA[T]]></Ticket>")
        for mode in [MessageServer.Configuration.Mode.plaintext, .compatible] {
            for encryptType in [nil, "raw"] {
                var query = Self.plainQuery(["openid": "o1"])
                query["encrypt_type"] = encryptType
                let outcome = try Self.server(mode).handle(MessageServerRequest(method: .post, query: query, body: Data(body.utf8)), now: Self.now)
                guard case .push(let push) = outcome else { Issue.record("expected a push"); return }
                #expect(push.message.kind == .event(.scan(eventKey: "42", ticket: "T")))
                #expect(push.keySlot == nil)
                #expect(!push.isEncrypted)
            }
        }
    }

    @Test func safeModeRefusesPlaintext() throws {
        let body = InboundMessageTests.push("<Event><![CDATA[unsubscribe]]></Event>")
        let request = MessageServerRequest(method: .post, query: Self.plainQuery(), body: Data(body.utf8))
        #expect(throws: MessageServerError.encryptionRequired) { try Self.server(.safe).handle(request, now: Self.now) }
    }

    @Test(arguments: [
        ("signature", "0000000000000000000000000000000000000000", MessageServerError.badSignature),
        ("msg_signature", "12345", .badMessageSignature),
        ("encrypt_type", "des", .invalidParameter),
        ("timestamp", "1409304999", .badSignature),
    ])
    func encryptedPushFailures(_ name: String, _ value: String, _ expected: MessageServerError) throws {
        var request = try Self.vectorC()
        request.query[name] = value
        #expect(throws: expected) { try Self.server(.safe).handle(request, now: Self.now) }
    }

    @Test func encryptedPushNeedsMsgSignatureAndEncrypt() throws {
        var request = try Self.vectorC()
        request.query["msg_signature"] = nil
        #expect(throws: MessageServerError.missingParameter) { try Self.server(.safe).handle(request, now: Self.now) }
        request = try Self.vectorC()
        request.body = Data("<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName></xml>".utf8)
        #expect(throws: MessageServerError.missingField) { try Self.server(.safe).handle(request, now: Self.now) }
    }

    @Test func wrongAppIDIsClassified() throws {
        let server = try MessageServer(configuration: .init(
            token: Official.token, appID: "wx0000000000000000", mode: .safe, encodingAESKey: try EncodingAESKey(Official.encodingAESKey)
        ))
        #expect(throws: MessageServerError.wrongAppID) { try server.handle(try Self.vectorC(), now: Self.now) }
    }

    @Test func hostileBodiesAreClassified() throws {
        let bomb = MessageServerRequest(method: .post, query: Self.plainQuery(), body: Data(XMLPushParserTests.billionLaughs.utf8))
        #expect(throws: MessageServerError.forbiddenXML) { try Self.server(.plaintext).handle(bomb, now: Self.now) }
        let oversized = MessageServerRequest(method: .post, query: Self.plainQuery(), body: Data(count: 64 * 1024 + 1))
        #expect(throws: MessageServerError.oversized) { try Self.server(.plaintext).handle(oversized, now: Self.now) }
        let malformed = MessageServerRequest(method: .post, query: Self.plainQuery(), body: Data("<xml><A>".utf8))
        #expect(throws: MessageServerError.malformedXML) { try Self.server(.plaintext).handle(malformed, now: Self.now) }
        // Unsigned garbage never reaches the parser.
        var unsigned = bomb
        unsigned.query["signature"] = "x"
        #expect(throws: MessageServerError.badSignature) { try Self.server(.plaintext).handle(unsigned, now: Self.now) }
    }

    @Test func keyRotationIsReportedAndTheReplyUsesTheSameKey() throws {
        let rotation = MessageServerFixtures.Rotation.self
        let server = try Self.server(.safe, previousKey: rotation.encodingAESKey)
        let body = "<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Encrypt><![CDATA[\(rotation.encryptC)]]></Encrypt></xml>"
        let request = MessageServerRequest(method: .post, query: Self.plainQuery(["encrypt_type": "aes", "msg_signature": rotation.signatureC]), body: Data(body.utf8))
        guard case .push(let push) = try server.handle(request, now: Self.now) else { Issue.record("expected a push"); return }
        #expect(push.keySlot == .previous)
        let replyXML = MessageReply.text("hi", to: push.message, createTime: 1_409_304_349)
        let envelope = try XMLPushParser().parse(server.reply(replyXML, to: push))
        let encrypt = try #require(envelope["Encrypt"]?.text)
        let signature = try #require(envelope["MsgSignature"]?.text)
        #expect(envelope["TimeStamp"]?.text == Official.timestamp)
        #expect(envelope["Nonce"]?.text == Official.nonce)
        let previousOnly = MessageCrypto(token: Official.token, appID: Official.appID, key: try EncodingAESKey(rotation.encodingAESKey))
        let decrypted = try previousOnly.decrypt(encrypt: encrypt, msgSignature: signature, timestamp: Official.timestamp, nonce: Official.nonce)
        #expect(String(decoding: decrypted.message, as: UTF8.self) == replyXML)
    }

    @Test func plaintextPushGetsAPlaintextReply() throws {
        let body = InboundMessageTests.push("<Event><![CDATA[unsubscribe]]></Event>")
        let request = MessageServerRequest(method: .post, query: Self.plainQuery(), body: Data(body.utf8))
        let server = try Self.server(.compatible)
        guard case .push(let push) = try server.handle(request, now: Self.now) else { Issue.record("expected a push"); return }
        #expect(try server.reply(MessageReply.success, to: push) == "success")
    }

    @Test func nonceStoreRejectsAReplayedPush() async throws {
        let store = MessageMemoryNonceStore(now: { Self.now })
        let server = try Self.server(.safe)
        let first = try await server.handle(try Self.vectorC(), now: Self.now, nonceStore: store)
        guard case .push = first else { Issue.record("expected a push"); return }
        await #expect(throws: MessageServerError.replayedNonce) {
            try await server.handle(try Self.vectorC(), now: Self.now, nonceStore: store)
        }
        // Verification requests do not consume nonces.
        let verification = MessageServerRequest(method: .get, query: Self.plainQuery(["echostr": "1"]))
        #expect(try await server.handle(verification, now: Self.now, nonceStore: store) == .verification(echostr: "1"))
    }

    @Test func twoPushesSharingATimestampAndNonceAreBothAcceptedButEachRepeatIsNot() async throws {
        let store = MessageMemoryNonceStore(now: { Self.now })
        let server = try Self.server(.compatible)
        let bodies = ["<Event><![CDATA[subscribe]]></Event>", "<Event><![CDATA[unsubscribe]]></Event>"]
            .map { Data(InboundMessageTests.push($0).utf8) }
        for body in bodies {
            let outcome = try await server.handle(
                MessageServerRequest(method: .post, query: Self.plainQuery(), body: body), now: Self.now, nonceStore: store)
            guard case .push = outcome else { Issue.record("expected a push"); return }
        }
        for body in bodies {
            await #expect(throws: MessageServerError.replayedNonce) {
                try await server.handle(MessageServerRequest(method: .post, query: Self.plainQuery(), body: body),
                                        now: Self.now, nonceStore: store)
            }
        }
        #expect(MessageServer.replayKey(nonce: "123", body: bodies[0]) != MessageServer.replayKey(nonce: "123", body: bodies[1]))
        #expect(MessageServer.replayKey(nonce: "123", body: bodies[0]).count == 3 + 1 + 32)
    }

    @Test func configurationNeedsAKeyOutsidePlaintextModeAndIsRedacted() throws {
        #expect(throws: MessageServerError.invalidConfiguration) {
            try MessageServer(configuration: .init(token: "t", appID: "wx1", mode: .safe))
        }
        let configuration = try Self.server(.safe).configuration
        #expect(!configuration.description.contains(Official.token))
        #expect(!configuration.description.contains(Official.encodingAESKey))
    }

    @Test func queryStringParsing() throws {
        let request = try MessageServerRequest(method: .get, queryString: "a=1&b=x%2By+z&c=&d")
        #expect(request.query == ["a": "1", "b": "x+y z", "c": "", "d": ""])
        #expect(throws: MessageServerError.invalidParameter) { try MessageServerRequest(method: .get, queryString: "a=1&a=2") }
        #expect(throws: MessageServerError.invalidParameter) { try MessageServerRequest(method: .get, queryString: "a=%zz") }
        #expect(throws: MessageServerError.oversized) {
            try MessageServerRequest(method: .get, queryString: String(repeating: "a", count: 4097))
        }
    }
}

@Suite struct MessageServerErrorTests {
    typealias Official = MessageServerFixtures.Official

    @Test func descriptionsNeverContainSecretsOrPayload() throws {
        let server = try MessageServerTests.server(.safe)
        var failures: [MessageServerError] = []
        for (name, value) in [("msg_signature", "12345"), ("signature", "bad"), ("timestamp", "abc")] {
            var request = try MessageServerTests.vectorC()
            request.query[name] = value
            do { _ = try server.handle(request, now: MessageServerTests.now) } catch let error as MessageServerError {
                failures.append(error)
            }
        }
        do { _ = try XMLPushParser().parse("<xml><A>&secretentity;</A></xml>") } catch let error as MessageServerError {
            failures.append(error)
        }
        #expect(failures.count == 4)
        for failure in failures {
            let text = String(describing: failure)
            #expect(text.hasPrefix("MessageServerError."))
            for secret in [Official.token, Official.encodingAESKey, Official.encryptC, "secretentity", "oia2TjuEGTNoeX76QEjQNrcURxG8"] {
                #expect(!text.contains(secret))
            }
        }
    }

    @Test func equalityComparesTheKindOnly() {
        #expect(MessageServerError.badPadding == MessageServerError.badPadding)
        #expect(MessageServerError.badPadding != MessageServerError.badLength)
        #expect(Set([MessageServerError.badPadding, .badPadding, .wrongAppID]).count == 2)
    }
}
