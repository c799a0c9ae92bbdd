import Fluent
import Foundation
import Logging
import NIOHTTP1
import Testing
import WeChatKit
import WeChatSandbox
@testable import LoginServer

/// The durable template-message queue against the sandbox: delivery reports, retries, the daily quota, a
/// superseded token, idempotency, crashed workers, and bad input.
@Suite(.serialized) struct TemplateQueueTests {
    static let token = "admin-token-0123456789abcdef0123"
    static let orderTemplate = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY"

    static func messageJSON(recipient: String, key: String? = nil, order: String = "A-1001") -> String {
        let idempotency = key.map { #","idempotency_key":"\#($0)""# } ?? ""
        return ##"{\##(recipient),"template_id":"\##(orderTemplate)","url":"https://shop.example.com/orders/1","data":{"first":{"value":"您的订单已发货"},"keyword1":{"value":"\##(order)","color":"#173177"},"keyword2":{"value":"已发货"}}\##(idempotency)}"##
    }

    func api(_ world: LoginWorld, _ method: HTTPMethod, _ path: String, json: String? = nil,
             token: String? = TemplateQueueTests.token) async throws -> Browser.Result {
        var headers = HTTPHeaders()
        if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        if json != nil { headers.add(name: .contentType, value: "application/json") }
        let response = try await world.server.testing().performTest(
            request: .init(method: method, url: .init(string: path), headers: headers, body: .init(string: json ?? "")))
        return Browser.Result(status: Int(response.status.code), headers: response.headers,
                              body: String(buffer: response.body), url: path)
    }

    func enqueue(_ world: LoginWorld, recipient: String, key: String? = nil, order: String = "A-1001") async throws -> String {
        let response = try await api(world, .POST, "/api/template-messages",
                                     json: Self.messageJSON(recipient: recipient, key: key, order: order))
        #expect(response.status == 202, "\(response.body)")
        return try #require(response.json["id"] as? String)
    }

    func status(_ world: LoginWorld, _ id: String) async throws -> [String: Any] {
        let response = try await api(world, .GET, "/api/template-messages/\(id)")
        #expect(response.status == 200)
        return response.json
    }

    func waitFor(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<200 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("never: \(what)")

    }

    func waitForStatus(_ world: LoginWorld, _ id: String, _ expected: String) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        try await waitFor("message \(id) \(expected)") {
            last = try await status(world, id)
            return last["status"] as? String == expected
        }
        return last
    }

    func inbox(_ world: LoginWorld, _ user: String) async throws -> [[String: Any]] {
        let body = try await world.control(.GET, "users/\(user)/messages").body
        return (try JSONSerialization.jsonObject(with: Data(body.utf8))) as? [[String: Any]] ?? []
    }

    func openID(_ world: LoginWorld, _ user: String) -> String {
        world.sandbox.openID(userID: user, appID: world.officialAccountID)
    }

    static func withWorld(
        adjust: @escaping (inout LoginServerConfiguration) -> Void = { _ in },
        adjustSandbox: (inout SandboxConfiguration) -> Void = { _ in },
        _ body: (LoginWorld) async throws -> Void
    ) async throws {
        try await LoginWorld.with(adjust: { configuration in
            configuration.adminToken = TemplateQueueTests.token
            adjust(&configuration)
        }, adjustSandbox: adjustSandbox, body)
    }

    @Test func aSendReachesTheInboxAndItsDeliveryReportMarksItDelivered() async throws {
        try await Self.withWorld { world in
            try await world.listenForPushes()
            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            _ = try await phone.weChatLogin(as: "u1")
            _ = try await phone.bind(contact: "13800138000")
            let userID = try #require(try await User.query(on: world.server.db).first()?.id)

            let created = try await api(world, .POST, "/api/template-messages",
                                        json: Self.messageJSON(recipient: #""user_id":"\#(userID)""#))
            #expect(created.status == 202)
            #expect(created.json["status"] as? String == "queued")
            let id = try #require(created.json["id"] as? String)
            #expect(created.headers.first(name: .location) == "/api/template-messages/\(id.lowercased())")

            let delivered = try await waitForStatus(world, id, "delivered")
            #expect(delivered["delivery_status"] as? String == "success")
            #expect(delivered["user_id"] as? String == userID.uuidString)
            #expect(delivered["openid"] as? String == openID(world, "u1"))
            let msgid = try #require(delivered["msgid"] as? String)
            let received = try await inbox(world, "u1")
            #expect(received.count == 1)
            #expect((received.first?["msgid"] as? NSNumber)?.int64Value == Int64(msgid))
            #expect((received.first?["text"] as? String)?.contains("A-1001") == true)
            #expect(delivered["attempts"] as? Int == 1)
        }
    }

    @Test func anUnfollowedUserFailsWith43004AndIsNotRetried() async throws {
        try await Self.withWorld { world in
            let id = try await enqueue(world, recipient: #""openid":"\#(openID(world, "u3"))""#)
            let failed = try await waitForStatus(world, id, "failed")
            #expect(failed["errcode"] as? Int == 43004)
            #expect((failed["reason"] as? String)?.contains("43004") == true)
            #expect(failed["attempts"] as? Int == 1)
            world.clock.advance(by: 3600)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await world.calls("/cgi-bin/message/template/send") == 1, "never retried")
            #expect(try await inbox(world, "u3").isEmpty)
        }
    }

    @Test func aSystemErrorIsRetriedWithBackOffThenSent() async throws {
        try await Self.withWorld { world in
            try await world.control(.POST, "faults", json: #"{"path":"/cgi-bin/message/template/send","errcode":-1,"count":1}"#)
            let id = try await enqueue(world, recipient: #""openid":"\#(openID(world, "u1"))""#)
            try await waitFor("the first attempt failed") {
                let current = try await status(world, id)
                return current["attempts"] as? Int == 1 && current["errcode"] as? Int == -1
            }
            let waiting = try await status(world, id)
            #expect(waiting["status"] as? String == "queued")
            #expect(waiting["next_attempt_at"] != nil)
            try await Task.sleep(for: .milliseconds(200))
            #expect(try await status(world, id)["attempts"] as? Int == 1, "waits for its back-off")
            world.clock.advance(by: 5)
            let sent = try await waitForStatus(world, id, "sent")
            #expect(sent["attempts"] as? Int == 2)
            #expect(sent["errcode"] == nil)
            #expect(try await inbox(world, "u1").count == 1)
        }
    }

    @Test func theDailyQuotaParksMessagesUntilItResets() async throws {
        try await Self.withWorld(adjustSandbox: { $0.limits.templateDailyQuota = 1 }) { world in
            let first = try await enqueue(world, recipient: #""openid":"\#(openID(world, "u1"))""#, order: "A-1")
            _ = try await waitForStatus(world, first, "sent")
            let second = try await enqueue(world, recipient: #""openid":"\#(openID(world, "u1"))""#, order: "A-2")
            try await waitFor("the second hit the quota") { try await status(world, second)["errcode"] as? Int == 45009 }
            let parked = try await status(world, second)
            #expect(parked["status"] as? String == "queued")
            #expect((parked["reason"] as? String)?.contains("quota") == true)
            let resetAt = TemplateSendPolicy.nextQuotaReset(after: world.clock.now())
            #expect(parked["next_attempt_at"] as? String == resetAt.formatted(.iso8601))

            try await world.control(.POST, "clock/advance", json: #"{"seconds":1800}"#)
            world.clock.advance(by: 1800)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await status(world, second)["attempts"] as? Int == 1, "parked: no attempt before the reset")

            let wait = Int(resetAt.timeIntervalSince(world.clock.now())) + 5
            try await world.control(.POST, "clock/advance", json: #"{"seconds":\#(wait)}"#)
            world.clock.advance(by: TimeInterval(wait))
            let sent = try await waitForStatus(world, second, "sent")
            #expect(sent["attempts"] as? Int == 2)
            #expect(try await inbox(world, "u1").count == 2)
        }
    }

    @Test func aSupersededTokenIsRefetchedOnceAndTheSendSucceeds() async throws {
        try await Self.withWorld { world in
            let first = try await enqueue(world, recipient: #""openid":"\#(openID(world, "u1"))""#, order: "A-1")
            _ = try await waitForStatus(world, first, "sent")
            #expect(try await world.calls("/cgi-bin/token") == 1)
            // Someone outside the deployment fetches a token; ours dies after WeChat's 5-minute overlap.
            let outsider = AccessTokenProvider(
                credentials: world.services.configuration.officialAccount!,
                configuration: .init(endpoint: .sandbox(baseURL: world.sandboxBase)), httpClient: world.http)
            _ = try await outsider.token()
            try await world.control(.POST, "clock/advance", json: #"{"seconds":301}"#)
            world.clock.advance(by: 301)

            let second = try await enqueue(world, recipient: #""openid":"\#(openID(world, "u1"))""#, order: "A-2")
            let sent = try await waitForStatus(world, second, "sent")
            #expect(sent["attempts"] as? Int == 1, "the provider's one refetch, inside the same attempt")
            #expect(try await world.calls("/cgi-bin/token") == 3, "ours, the outsider's, and exactly one refetch")
            #expect(try await inbox(world, "u1").count == 2)
        }
    }

    @Test func aRepeatedIdempotencyKeyQueuesAndSendsOneMessage() async throws {
        try await Self.withWorld { world in
            let recipient = #""openid":"\#(openID(world, "u1"))""#
            let id = try await enqueue(world, recipient: recipient, key: "order-1001-shipped")
            let again = try await api(world, .POST, "/api/template-messages",
                                      json: Self.messageJSON(recipient: recipient, key: "order-1001-shipped"))
            #expect(again.status == 200, "the existing message, not a new one")
            #expect(again.json["id"] as? String == id)
            _ = try await waitForStatus(world, id, "sent")
            let repeated = try await api(world, .POST, "/api/template-messages",
                                         json: Self.messageJSON(recipient: recipient, key: "order-1001-shipped"))
            #expect(repeated.json["id"] as? String == id)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await world.count(TemplateMessageRecord.self) == 1)
            #expect(try await world.calls("/cgi-bin/message/template/send") == 1)
            #expect(try await inbox(world, "u1").count == 1)
            let row = try #require(try await TemplateMessageRecord.query(on: world.server.db).first())
            #expect(row.clientMessageID == "order-1001-shipped", "the key is WeChat's client_msg_id")
        }
    }

    @Test func aMessageWhoseWorkerDiedIsSentOnceAfterItsClaimExpires() async throws {
        try await Self.withWorld(adjust: { $0.messageQueue.workerEnabled = false }) { world in
            let id = try await enqueue(world, recipient: #""openid":"\#(openID(world, "u1"))""#)
            let queue = TemplateMessageQueue(database: world.server.db, clock: world.clock)
            // A worker claims it, sends it, and dies before recording the outcome.
            let claimed = try await queue.claim(worker: "dead-instance", limit: 10, lease: 60)
            #expect(claimed.count == 1)
            let provider = try #require(world.services.weChat.accessTokens)
            let client = TemplateMessageClient(
                tokenProvider: provider, configuration: .init(endpoint: .sandbox(baseURL: world.sandboxBase)),
                httpClient: world.http)
            let firstMsgID = try await client.send(try #require(claimed.first).message)

            let live = try #require(world.services.messaging).worker
            #expect(try await live.drain() == 0, "the dead worker's claim still holds")
            world.clock.advance(by: 61)
            #expect(try await live.drain() == 1, "taken over once the claim expired")
            let sent = try await status(world, id)
            #expect(sent["status"] as? String == "sent")
            #expect(sent["attempts"] as? Int == 2)
            #expect(sent["msgid"] as? String == String(firstMsgID), "WeChat dropped the re-send as a duplicate")
            #expect(try await inbox(world, "u1").count == 1, "the person got it once")
            #expect(try await queue.record(.sent(msgID: firstMsgID), for: try #require(UUID(uuidString: id)),
                                           worker: "dead-instance") == false, "a late outcome from the dead worker is ignored")
        }
    }

    @Test func aDeliveryReportThatOvertakesTheSendIsStillApplied() async throws {
        try await Self.withWorld(adjust: { $0.messageQueue.workerEnabled = false }) { world in
            let id = try #require(UUID(uuidString: try await enqueue(world, recipient: #""openid":"\#(openID(world, "u2"))""#)))
            let queue = TemplateMessageQueue(database: world.server.db, clock: world.clock)
            _ = try await queue.claim(worker: "w1", limit: 1, lease: 60)
            let push = try InboundMessage(parsing: Array("""
                <xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><FromUserName><![CDATA[\(openID(world, "u2"))]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>4242</MsgID><Status><![CDATA[failed:user block]]></Status></xml>
                """.utf8))
            try await PushRecorder(database: world.server.db, clock: world.clock, logger: Logger(label: "test"))
                .record(push, appID: world.officialAccountID)
            #expect(try await queue.record(.sent(msgID: 4242), for: id, worker: "w1"))
            let row = try #require(try await TemplateMessageRecord.find(id, on: world.server.db))
            #expect(row.status == "blocked")
            #expect(row.deliveryStatus == "failed:user block")
        }
    }

    /// A campaign sends one follower two messages; WeChat reports both in the same second. They are two pushes
    /// (their `MsgID`s differ), so both messages end delivered; a retry of one is still a repeat.
    @Test func twoReportsToOneFollowerInOneSecondAreBothApplied() async throws {
        try await Self.withWorld(adjust: { $0.messageQueue.workerEnabled = false }) { world in
            let recipient = #""openid":"\#(openID(world, "u1"))""#
            let ids = [try #require(UUID(uuidString: try await enqueue(world, recipient: recipient))),
                       try #require(UUID(uuidString: try await enqueue(world, recipient: recipient)))]
            let queue = TemplateMessageQueue(database: world.server.db, clock: world.clock)
            #expect(try await queue.claim(worker: "w1", limit: 2, lease: 60).count == 2)
            #expect(try await queue.record([(ids[0], .sent(msgID: 801)), (ids[1], .sent(msgID: 802))], worker: "w1") == Set(ids))
            let recorder = PushRecorder(database: world.server.db, clock: world.clock, logger: Logger(label: "test"))
            func report(_ msgID: Int) throws -> InboundMessage {
                try InboundMessage(parsing: Array("""
                    <xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><FromUserName><![CDATA[\(openID(world, "u1"))]]></FromUserName><CreateTime>1700000100</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>\(msgID)</MsgID><Status><![CDATA[success]]></Status></xml>
                    """.utf8))
            }
            #expect(try await recorder.record(try report(801), appID: world.officialAccountID).isFirstArrival)
            #expect(try await recorder.record(try report(802), appID: world.officialAccountID).isFirstArrival)
            #expect(try await recorder.record(try report(802), appID: world.officialAccountID).isFirstArrival == false,
                    "WeChat's retry of a report is a repeat")
            for id in ids {
                #expect(try await TemplateMessageRecord.find(id, on: world.server.db)?.status == "delivered")
            }
        }
    }

    @Test func aBatchOfOutcomesIsRecordedOnlyWhereTheClaimIsStillHeld() async throws {
        try await Self.withWorld(adjust: { $0.messageQueue.workerEnabled = false }) { world in
            var ids: [UUID] = []
            for user in ["u1", "u2", "u3"] {
                ids.append(try #require(UUID(uuidString: try await enqueue(world, recipient: #""openid":"\#(openID(world, user))""#))))
            }
            let queue = TemplateMessageQueue(database: world.server.db, clock: world.clock)
            #expect(try await queue.claim(worker: "w1", limit: 3, lease: 60).count == 3)
            // The claims expire and another worker takes the third over: w1's outcome for it must not count.
            world.clock.advance(by: 61)
            #expect(try await queue.claim(id: ids[2], worker: "w2", lease: 60)?.id == ids[2])
            let report = try InboundMessage(parsing: Array("""
                <xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><FromUserName><![CDATA[\(openID(world, "u2"))]]></FromUserName><CreateTime>1700000001</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>702</MsgID><Status><![CDATA[success]]></Status></xml>
                """.utf8))
            try await PushRecorder(database: world.server.db, clock: world.clock, logger: Logger(label: "test"))
                .record(report, appID: world.officialAccountID)

            let recorded = try await queue.record([
                (ids[0], .sent(msgID: 701)), (ids[1], .sent(msgID: 702)), (ids[2], .sent(msgID: 703)),
            ], worker: "w1")
            #expect(recorded == [ids[0], ids[1]])
            let rows = try await TemplateMessageRecord.query(on: world.server.db).all()
            let byID = Dictionary(uniqueKeysWithValues: rows.compactMap { row in row.id.map { ($0, row) } })
            #expect(byID[ids[0]]?.status == "sent" && byID[ids[0]]?.msgID == 701)
            #expect(byID[ids[1]]?.status == "delivered", "the report that came first is applied")
            #expect(byID[ids[2]]?.status == "sending" && byID[ids[2]]?.claimedBy == "w2" && byID[ids[2]]?.msgID == nil)
            #expect(try await queue.record([(ids[2], .failed(errcode: 43004, reason: "not following"))], worker: "w2") == [ids[2]])
            #expect(try await TemplateMessageRecord.find(ids[2], on: world.server.db)?.status == "failed")
        }
    }

    @Test func aBatchQueuesEachRecipientAndReportsTheRefusedOnes() async throws {
        try await Self.withWorld { world in
            try await world.listenForPushes()
            let batch = #"{"recipients":[{"openid":"\#(openID(world, "u1"))"},{"openid":"\#(openID(world, "u2"))"},{"user_id":"\#(UUID())"},{"openid":"bad openid!"},{}],"template_id":"\#(Self.orderTemplate)","data":{"first":{"value":"大促开始"}},"idempotency_key":"sale-2026-11"}"#
            let response = try await api(world, .POST, "/api/template-messages/batch", json: batch)
            #expect(response.status == 202, "\(response.body)")
            let accepted = try #require(response.json["accepted"] as? [[String: Any]])
            let rejected = try #require(response.json["rejected"] as? [[String: Any]])
            #expect(accepted.map { $0["index"] as? Int } == [0, 1])
            #expect(rejected.map { $0["index"] as? Int } == [2, 3, 4])
            #expect(rejected.allSatisfy { !(($0["reason"] as? String) ?? "").isEmpty })
            let ids = accepted.compactMap { $0["id"] as? String }
            _ = try await waitForStatus(world, ids[0], "delivered")
            let blocked = try await waitForStatus(world, ids[1], "blocked")
            #expect(blocked["delivery_status"] as? String == "failed:user block")
            let again = try await api(world, .POST, "/api/template-messages/batch", json: batch)
            #expect((again.json["accepted"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ids,
                    "the same key and recipients name the same messages")
        }
    }

    @Test(arguments: [
        (#"{"openid":"o1","template_id":"t1","data":{}}"#, 422),
        (#"{"openid":"o1","template_id":"bad id!","data":{"a":{"value":"x"}}}"#, 422),
        (#"{"openid":"o1","user_id":"7d5e4f3a-0000-4000-8000-000000000001","template_id":"t1","data":{"a":{"value":"x"}}}"#, 422),
        (#"{"template_id":"t1","data":{"a":{"value":"x"}}}"#, 422),
        (#"{"openid":"o1","template_id":"t1","url":"javascript:alert(1)","data":{"a":{"value":"x"}}}"#, 422),
        (#"{"openid":"o1","template_id":"t1","data":{"a":{"value":"x","color":"red"}}}"#, 422),
        (#"{"openid":"o1","template_id":"t1","data":{"a b":{"value":"x"}}}"#, 422),
        (#"{"openid":"o1","template_id":"t1","data":{"a":{"value":"x"}},"idempotency_key":"has space"}"#, 422),
        (#"{"openid":"o1","template_id":"t1","data":{"a":"x"}}"#, 400),
        (#"not json"#, 400),
        (#"{"user_id":"7d5e4f3a-0000-4000-8000-000000000001","template_id":"t1","data":{"a":{"value":"x"}}}"#, 404),
    ])
    func badInputIsRefusedWithAReasonAndQueuesNothing(_ json: String, _ expected: Int) async throws {
        try await Self.withWorld { world in
            let response = try await api(world, .POST, "/api/template-messages", json: json)
            #expect(response.status == expected, "\(json): \(response.body)")
            #expect(response.json["error"] as? Bool == true)
            #expect(!((response.json["reason"] as? String) ?? "").isEmpty)
            #expect(try await world.count(TemplateMessageRecord.self) == 0)
        }
    }

    @Test func theEndpointsNeedTheAdminToken() async throws {
        try await Self.withWorld { world in
            let json = Self.messageJSON(recipient: #""openid":"\#(openID(world, "u1"))""#)
            let anonymous = try await api(world, .POST, "/api/template-messages", json: json, token: nil)
            #expect(anonymous.status == 401)
            let wrong = try await api(world, .POST, "/api/template-messages", json: json, token: "wrong-token-0123456789abcdef")
            #expect(wrong.status == 401)
            let anonymousRead = try await api(world, .GET, "/api/template-messages/\(UUID())", token: nil)
            #expect(anonymousRead.status == 401)
            let missing = try await api(world, .GET, "/api/template-messages/\(UUID())")
            #expect(missing.status == 404)
            let rows = try await world.count(TemplateMessageRecord.self)
            #expect(rows == 0)
        }
        try await LoginWorld.with { world in
            let closed = try await api(world, .POST, "/api/template-messages", json: "{}")
            #expect(closed.status == 404, "closed without ADMIN_API_TOKEN")
        }
    }

    @Test func thePushCommandQueuesAndSendsOneMessage() async throws {
        try await Self.withWorld(adjust: { $0.messageQueue.workerEnabled = false }) { world in
            let push = TemplatePush(
                userID: nil, openID: openID(world, "u1"), templateID: Self.orderTemplate, url: nil,
                data: [("first", "您好"), ("keyword1", "CLI-1")], idempotencyKey: "cli-1", enqueueOnly: false)
            let result = try await push.run(on: world.server, services: world.services)
            #expect(result.status == "sent")
            #expect(result.msgID != nil)
            #expect(result.succeeded)
            #expect(result.description.contains("WeChat msgid"))
            let again = try await push.run(on: world.server, services: world.services)
            #expect(again.id == result.id, "the same idempotency key names the same message")
            #expect(try await inbox(world, "u1").count == 1)

            let refused = TemplatePush(
                userID: nil, openID: openID(world, "u3"), templateID: Self.orderTemplate, url: nil,
                data: [("first", "您好")], idempotencyKey: nil, enqueueOnly: false)
            let failed = try await refused.run(on: world.server, services: world.services)
            #expect(failed.status == "failed" && failed.errcode == 43004 && !failed.succeeded)

            let queuedOnly = TemplatePush(
                userID: nil, openID: openID(world, "u1"), templateID: Self.orderTemplate, url: nil,
                data: [("first", "稍后发送")], idempotencyKey: nil, enqueueOnly: true)
            #expect(try await queuedOnly.run(on: world.server, services: world.services).status == "queued")

            let bad = TemplatePush(userID: nil, openID: "not an openid", templateID: Self.orderTemplate, url: nil,
                                   data: [("first", "x")], idempotencyKey: nil, enqueueOnly: false)
            await #expect(throws: TemplatePush.PushError.self) { try await bad.run(on: world.server, services: world.services) }
        }
    }

    /// A running server's worker claims the command's message between its insert and its own claim (the
    /// multi-instance test saw this once): the command waits for that worker's outcome instead of reporting
    /// `sending`.
    @Test func thePushCommandReportsTheOutcomeOfAnotherInstancesClaim() async throws {
        try await Self.withWorld(adjust: { $0.messageQueue.workerEnabled = false }) { world in
            let key = "cli-raced"
            let id = try #require(UUID(uuidString: try await enqueue(
                world, recipient: #""openid":"\#(openID(world, "u1"))""#, key: key)))
            let queue = TemplateMessageQueue(database: world.server.db, clock: world.clock)
            #expect(try await queue.claim(id: id, worker: "other-instance", lease: 60) != nil)
            let push = TemplatePush(
                userID: nil, openID: openID(world, "u1"), templateID: Self.orderTemplate, url: nil,
                data: [("first", "您的订单已发货")], idempotencyKey: key, enqueueOnly: false)
            async let result = push.run(on: world.server, services: world.services)
            try await Task.sleep(for: .milliseconds(400))
            #expect(try await queue.record(.sent(msgID: 777), for: id, worker: "other-instance"))
            let outcome = try await result
            #expect(outcome.id == id)
            #expect(outcome.status == "sent" && outcome.msgID == 777, "\(outcome)")
            #expect(try await inbox(world, "u1").isEmpty, "only the other instance sent it")
        }
    }

    @Test func metricsReportCallsQueueAndSends() async throws {
        let metricsToken = "metrics-token-0123456789abcdef"
        try await Self.withWorld(adjust: { $0.metricsToken = metricsToken }) { world in
            _ = try await world.browser().pcLogin(as: "u1")
            let id = try await enqueue(world, recipient: #""openid":"\#(openID(world, "u1"))""#)
            _ = try await waitForStatus(world, id, "sent")
            #expect(try await api(world, .GET, "/metrics", token: nil).status == 401)
            let metrics = try await api(world, .GET, "/metrics", token: metricsToken)
            #expect(metrics.status == 200)
            #expect(metrics.headers.first(name: .contentType)?.hasPrefix("text/plain") == true)
            for line in [
                #"wechat_api_calls_total{endpoint="/cgi-bin/message/template/send",errcode="0"}"#,
                #"wechat_login_template_queue_messages{status="sent"} 1"#,
                #"wechat_login_template_sends_total{outcome="sent",errcode="none"}"#,
                #"wechat_access_token_fetches_total{appid="\#(world.officialAccountID)",mode="classic"}"#,
                #"wechat_login_access_token_fetches_today{appid="\#(world.officialAccountID)"} 1"#,
                "wechat_api_call_duration_seconds_bucket",
                #"wechat_login_logins_total{flow="pc_qr",outcome="needs_binding"}"#,
                #"wechat_login_login_duration_seconds_bucket{flow="pc_qr""#,
            ] {
                #expect(metrics.body.contains(line), "\(line)")
            }
            #expect(!metrics.body.contains(openID(world, "u1")), "no openids in labels")
        }
    }
}
