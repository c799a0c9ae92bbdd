import Crypto
import Fluent
import Foundation
import SQLKit
import Logging
import NIOHTTP1
import Testing
import Vapor
@testable import LoginServer

/// Webhooks: endpoints through the admin API, deliveries queued with their events, Standard Webhooks signatures,
/// retries on an injected clock, the dead letter and its replay, in order per user, and claims that never send one
/// delivery twice at once and are taken over after a worker dies. On SQLite, or PostgreSQL with `TEST_DATABASE_URL`.
@Suite(.serialized) struct WebhookTests {
    static let token = "admin-token-0123456789abcdef0123"

    static func adjust(_ configuration: inout LoginServerConfiguration) {
        configuration.adminToken = token
        configuration.webhooks.workerEnabled = false  // the tests drive their own workers
        configuration.webhooks.jitter = 0
    }

    func admin(_ world: LoginWorld, _ method: HTTPMethod, _ path: String, json: String? = nil,
               token: String? = WebhookTests.token) async throws -> Browser.Result {
        var headers = HTTPHeaders()
        if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        if json != nil { headers.add(name: .contentType, value: "application/json") }
        let response = try await world.server.testing().performTest(
            request: .init(method: method, url: .init(string: path), headers: headers,
                           body: ByteBuffer(string: json ?? "")))
        return Browser.Result(status: Int(response.status.code), headers: response.headers,
                              body: String(buffer: response.body), url: path)
    }

    /// Registers an endpoint; returns its id and secret.
    func register(_ world: LoginWorld, url: String, types: String? = nil) async throws -> (id: UUID, secret: String) {
        let typesField = types.map { #", "eventTypes": \#($0)"# } ?? ""
        let result = try await admin(world, .POST, "/api/admin/webhooks", json: #"{"url": "\#(url)"\#(typesField)}"#)
        #expect(result.status == 201, "\(result.body)")
        let json = result.json
        let endpoint = try #require(json["endpoint"] as? [String: Any])
        let id = try #require((endpoint["id"] as? String).flatMap(UUID.init(uuidString:)))
        return (id, try #require(json["secret"] as? String))
    }

    /// Appends events as a change would, in one transaction.
    static func append(_ world: LoginWorld, _ events: [(EventType, UUID?)]) async throws {
        let now = world.clock.now()
        try await world.server.db.writeTransaction { tx in
            try await EventLog(database: tx).append(events.map { type, user in
                Event(type, userID: user, actor: .system, payload: EventPayload(appID: "wx-test"))
            }, at: now)
        }
    }

    static func worker(_ world: LoginWorld, sender: WebhookSender, name: String = "w1",
                       configure: (inout WebhookConfiguration) -> Void = { _ in }) -> WebhookWorker {
        var configuration = world.services.configuration.webhooks
        configure(&configuration)
        let database = WebhookDatabase(
            deliveries: WebhookDeliveryStore(database: world.server.db),
            endpoints: WebhookEndpointStore(database: world.server.db, cipher: world.services.cipher, clock: world.clock),
            events: EventLog(database: world.server.db), clock: world.clock)
        return WebhookWorker(database: database, send: { try await sender.send($0) }, configuration: configuration,
                             logger: world.server.logger, name: name)
    }

    static func deliveries(_ world: LoginWorld, status: String? = nil) async throws -> [(event: Int64, status: String, attempts: Int)] {
        let filter: SQLQueryString = status.map { "WHERE status = \(bind: $0)" } ?? ""
        return try await world.server.db.sql().raw("SELECT event_id, status, attempts FROM webhook_deliveries \(filter) ORDER BY event_id")
            .all().map { (try $0.decode(column: "event_id", as: Int64.self), try $0.decode(column: "status", as: String.self),
                          try $0.decode(column: "attempts", as: Int.self)) }
    }

    /// The received bodies' event ids and users, in arrival order, for the 2xx answers only when `delivered`.
    static func bodies(_ received: [WebhookReceiver.Received]) throws -> [(id: String, user: String?, type: String)] {
        try received.map { item in
            let json = try #require(try JSONSerialization.jsonObject(with: item.body) as? [String: Any])
            let data = try #require(json["data"] as? [String: Any])
            return (item.id, data["userID"] as? String, try #require(json["type"] as? String))
        }
    }

    // MARK: Signing

    @Test func aDeliveryIsSignedTheStandardWebhooksWayAndVerifiesIndependently() async throws {
        let receiver = try await WebhookReceiver.start()
        let sender = WebhookSender(timeout: 5)
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let (_, secret) = try await register(world, url: receiver.url)
            #expect(secret.hasPrefix("whsec_"))
            #expect(try #require(Data(base64Encoded: String(secret.dropFirst(6)))).count >= 24)
            let user = UUID()
            try await Self.append(world, [(.signInSucceeded, user)])
            #expect(try await Self.worker(world, sender: sender).drain() == 1)
            let item = try #require(receiver.received.first)
            let event = try #require(try await EventLog(database: world.server.db).after(0, limit: 10).first)
            #expect(item.id == String(event.id))
            #expect(item.timestamp == String(Int64(world.clock.now().timeIntervalSince1970)))
            // The signature, computed here from the secret as a receiver's library does.
            let key = SymmetricKey(data: try #require(Data(base64Encoded: String(secret.dropFirst(6)))))
            var signed = Data("\(item.id).\(item.timestamp).".utf8)
            signed.append(item.body)
            let expected = "v1," + Data(HMAC<SHA256>.authenticationCode(for: signed, using: key)).base64EncodedString()
            #expect(item.signature == expected)
            let json = try #require(try JSONSerialization.jsonObject(with: item.body) as? [String: Any])
            #expect(json["type"] as? String == "signin.succeeded")
            #expect(json["timestamp"] is String)
            let data = try #require(json["data"] as? [String: Any])
            #expect((data["userID"] as? String)?.lowercased() == user.uuidString.lowercased())
            #expect((data["payload"] as? [String: Any])?["appid"] as? String == "wx-test")
            #expect(try await Self.deliveries(world).map(\.status) == ["delivered"])
            // The stored secret is sealed, not the text.
            let stored = try #require(try await world.server.db.sql().raw("SELECT secret FROM webhook_endpoints").first())
            #expect(try stored.decode(column: "secret", as: String.self).hasPrefix("v1.") == true)
            #expect(try !stored.decode(column: "secret", as: String.self).contains(secret))
        }
        try await sender.shutdown()
        try await receiver.stop()
    }

    @Test func onlyTheWantedTypesOfEnabledEndpointsAreQueuedWithTheirEvent() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let all = try await register(world, url: "https://a.example.com/hook")
            let some = try await register(world, url: "https://b.example.com/hook", types: #"["identity.bound", "user.created"]"#)
            let off = try await register(world, url: "https://c.example.com/hook")
            #expect(try await admin(world, .DELETE, "/api/admin/webhooks/\(off.id)").status == 204)
            try await Self.append(world, [(.userCreated, UUID()), (.signInSucceeded, UUID())])
            let rows = try await world.server.db.sql().raw("SELECT endpoint_id FROM webhook_deliveries").all()
                .map { try $0.decode(column: "endpoint_id", as: UUID.self) }
            #expect(rows.filter { $0 == all.id }.count == 2)
            #expect(rows.filter { $0 == some.id }.count == 1)
            #expect(!rows.contains(off.id))
            // A change that rolls back queues nothing.
            let before = try await Self.deliveries(world).count
            await #expect(throws: (any Error).self) {
                try await world.server.db.writeTransaction { tx in
                    try await EventLog(database: tx).append(Event(.userCreated, userID: nil, actor: .system, payload: .init()),
                                                            at: world.clock.now())
                    throw Abort(.internalServerError)
                }
            }
            #expect(try await Self.deliveries(world).count == before)
        }
    }

    // MARK: Retries, order, dead letter

    @Test func theRetryScheduleBacksOffOverMoreThanADayThenGivesUp() {
        var configuration = WebhookConfiguration()
        configuration.jitter = 0
        let policy = WebhookRetryPolicy(configuration)
        let now = Date(timeIntervalSince1970: 1_000_000)
        var waits: [TimeInterval] = []
        var attempts = 1
        while case .retry(let at, _, _) = policy.afterFailure(attempts: attempts, status: 500, error: "x", now: now) {
            waits.append(at.timeIntervalSince(now))
            attempts += 1
        }
        #expect(waits == [5, 300, 1800, 7200, 18_000, 36_000, 36_000])
        #expect(waits.reduce(0, +) > 86_400)
        #expect(policy.afterFailure(attempts: 8, status: 500, error: "x", now: now) == .dead(status: 500, error: "x"))
        var jittered = WebhookRetryPolicy(WebhookConfiguration())
        jittered.random = { 1 }
        #expect(jittered.afterFailure(attempts: 2, status: nil, error: "x", now: now)
                == .retry(at: now.addingTimeInterval(330), status: nil, error: "x"))
    }

    @Test func anEndpointFailingForAnHourGetsEveryEventAfterwardsInOrderPerUser() async throws {
        let receiver = try await WebhookReceiver.start()
        let sender = WebhookSender(timeout: 5)
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let endpoint = try await register(world, url: receiver.url)
            let worker = Self.worker(world, sender: sender)
            let (alice, bob) = (UUID(), UUID())
            receiver.answer(503)
            // Events keep coming during the outage, one a minute, alternating users, some with no user.
            for minute in 0..<60 {
                let user: UUID? = minute % 5 == 4 ? nil : (minute % 2 == 0 ? alice : bob)
                try await Self.append(world, [(.signInSucceeded, user)])
                try await worker.drain()
                world.clock.advance(by: 60)
            }
            let failed = receiver.received.count
            #expect(failed > 0)
            #expect(try await Self.deliveries(world, status: "delivered").isEmpty)
            // While a user's first event waits for its retry, none of that user's later events is tried.
            let tried = Set(try Self.bodies(receiver.received).filter { $0.user != nil }.map(\.id))
            #expect(tried.count == 2, "only each user's first event was tried: \(tried)")
            receiver.answer(200)
            for _ in 0..<40 {  // ~3 hours in 5-minute steps: every retry falls due
                world.clock.advance(by: 300)
                try await worker.drain()
            }
            #expect(try await Self.deliveries(world).allSatisfy { $0.status == "delivered" })
            let delivered = try Self.bodies(Array(receiver.received.dropFirst(failed)))
            #expect(Set(delivered.map(\.id)).count == 60, "every event arrived")
            for user in [alice, bob] {
                let ids = delivered.filter { $0.user?.lowercased() == user.uuidString.lowercased() }.map { Int64($0.id)! }
                #expect(ids == ids.sorted() && !ids.isEmpty, "in order for \(user)")
            }
            let page = try await admin(world, .GET, "/api/admin/webhooks/\(endpoint.id)/deliveries?status=delivered&limit=500")
            #expect(page.status == 200)
            #expect((page.json["deliveries"] as? [[String: Any]])?.count == 60)
        }
        try await sender.shutdown()
        try await receiver.stop()
    }

    @Test func anEndpointThatNeverRecoversEndsDeadAndIsReplayedFromTheAdminAPI() async throws {
        let receiver = try await WebhookReceiver.start()
        let sender = WebhookSender(timeout: 5)
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let endpoint = try await register(world, url: receiver.url)
            let worker = Self.worker(world, sender: sender)
            receiver.answer(500)
            let user = UUID()
            try await Self.append(world, [(.identityBound, user), (.signInSucceeded, user)])
            // The second waits behind the first (same user) until the first is dead, then runs its own ~28 hours.
            for _ in 0..<70 {
                try await worker.drain()
                world.clock.advance(by: 3600)
            }
            try await worker.drain()
            let rows = try await Self.deliveries(world)
            #expect(rows.map(\.status) == ["dead", "dead"])
            #expect(rows.first?.attempts == 8, "the first try and seven retries")
            let page = try await admin(world, .GET, "/api/admin/webhooks/\(endpoint.id)/deliveries?status=dead")
            let listed = try #require(page.json["deliveries"] as? [[String: Any]])
            #expect(listed.count == 2)
            #expect(listed.first?["lastStatus"] as? Int == 500 && listed.first?["lastError"] as? String == "HTTP 500")
            // One replayed: sent again at once.
            receiver.answer(200)
            let first = try #require(listed.last?["id"] as? String)
            let replayOne = try await admin(world, .POST, "/api/admin/webhooks/\(endpoint.id)/deliveries/\(first)/replay")
            #expect(replayOne.status == 200 && replayOne.json["status"] as? String == "pending")
            #expect(try await admin(world, .POST, "/api/admin/webhooks/\(endpoint.id)/deliveries/\(first)/replay").status == 409)
            #expect(try await admin(world, .POST, "/api/admin/webhooks/\(endpoint.id)/deliveries/999999/replay").status == 404)
            #expect(try await worker.drain() == 1)
            // The rest, all at once.
            let all = try await admin(world, .POST, "/api/admin/webhooks/\(endpoint.id)/replay")
            #expect(all.status == 200 && all.json["replayed"] as? Int == 1)
            #expect(try await worker.drain() == 1)
            #expect(try await Self.deliveries(world).map(\.status) == ["delivered", "delivered"])
        }
        try await sender.shutdown()
        try await receiver.stop()
    }

    // MARK: Claims

    @Test func aClaimWhoseWorkerDiedIsTakenOverWhenItsLeaseEnds() async throws {
        let receiver = try await WebhookReceiver.start()
        let sender = WebhookSender(timeout: 5)
        try await LoginWorld.with(adjust: Self.adjust) { world in
            _ = try await register(world, url: receiver.url)
            try await Self.append(world, [(.userCreated, UUID())])
            // A worker claims the delivery and is "killed": it never sends or records.
            let store = WebhookDeliveryStore(database: world.server.db)
            let lease = world.services.configuration.webhooks.claimLease
            #expect(try await store.claim(worker: "killed", limit: 10, lease: lease, now: world.clock.now()).count == 1)
            let survivor = Self.worker(world, sender: sender, name: "survivor")
            #expect(try await survivor.drain() == 0, "the claim holds until its lease ends")
            world.clock.advance(by: lease + 1)
            #expect(try await survivor.drain() == 1)
            #expect(receiver.received.count == 1)
            #expect(try await Self.deliveries(world).map(\.status) == ["delivered"])
            // The killed worker's late outcome is not recorded over the survivor's.
            #expect(try await !store.record(.dead(status: nil, error: "late"), for: 1, worker: "killed", now: world.clock.now()))
        }
        try await sender.shutdown()
        try await receiver.stop()
    }

    @Test func concurrentWorkersNeverSendOneDeliveryTwice() async throws {
        let receiver = try await WebhookReceiver.start()
        let sender = WebhookSender(timeout: 5)
        try await LoginWorld.with(adjust: Self.adjust) { world in
            _ = try await register(world, url: receiver.url)
            let users = (0..<10).map { _ in UUID() }
            for round in 0..<20 {
                try await Self.append(world, users.map { (.signInSucceeded, $0) } + [(.officialAccountFollowed, nil)])
                _ = round
            }
            let workers = (0..<4).map { Self.worker(world, sender: sender, name: "w\($0)") { $0.concurrency = 8 } }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in workers {
                    group.addTask { try await worker.drain() }
                }
                try await group.waitForAll()
            }
            for worker in workers { try await worker.drain() }
            let received = try Self.bodies(receiver.received)
            #expect(received.count == 220, "each delivery sent exactly once")
            #expect(Set(received.map(\.id)).count == 220)
            for user in users {
                let ids = received.filter { $0.user?.lowercased() == user.uuidString.lowercased() }.map { Int64($0.id)! }
                #expect(ids == ids.sorted() && ids.count == 20)
            }
        }
        try await sender.shutdown()
        try await receiver.stop()
    }

    @Test func settledDeliveriesGoWithTheirEventsAfterTheAuditRetention() async throws {
        let receiver = try await WebhookReceiver.start()
        let sender = WebhookSender(timeout: 5)
        try await LoginWorld.with(adjust: Self.adjust) { world in
            _ = try await register(world, url: receiver.url)
            try await Self.append(world, [(.userCreated, UUID())])
            try await Self.worker(world, sender: sender).drain()
            receiver.answer(500)
            try await Self.append(world, [(.userCreated, UUID())])
            try await Self.worker(world, sender: sender).drain()
            let retention = world.services.configuration.auditRetention
            let sweeper = RetentionSweeper(database: world.server.db, clock: world.clock, auditRetention: retention)
            #expect(try await sweeper.sweep().webhookDeliveries == 0)
            world.clock.advance(by: retention + 1)
            #expect(try await sweeper.sweep().webhookDeliveries == 1, "the delivered one; the pending one stays")
            #expect(try await Self.deliveries(world).map(\.status) == ["pending"])
            // Its event is gone too: the next attempt finds nothing to send and ends dead, not in a loop.
            try await Self.worker(world, sender: sender).drain()
            #expect(try await Self.deliveries(world).map(\.status) == ["dead"])
        }
        try await sender.shutdown()
        try await receiver.stop()
    }

    // MARK: Settings

    @Test func theWebhookSettingsHaveDefaultsAndRefuseNonsense() throws {
        let defaults = try LoginServerConfiguration.fromEnvironment([:], sandbox: true).webhooks
        #expect(defaults.workerEnabled && defaults.concurrency == 16 && defaults.timeout == 10 && defaults.claimLease == 60)
        let set = try LoginServerConfiguration.fromEnvironment(
            ["WEBHOOK_WORKER": "off", "WEBHOOK_CONCURRENCY": "64", "WEBHOOK_TIMEOUT_SECONDS": "45"], sandbox: true).webhooks
        #expect(!set.workerEnabled && set.concurrency == 64 && set.timeout == 45 && set.claimLease == 75)
        let short = try LoginServerConfiguration.fromEnvironment(
            ["WEBHOOK_TIMEOUT_SECONDS": "2", "WEBHOOK_CLAIM_LEASE_SECONDS": "5"], sandbox: true).webhooks
        #expect(short.timeout == 2 && short.claimLease == 5)
        for (name, bad) in [("WEBHOOK_WORKER", "maybe"), ("WEBHOOK_CONCURRENCY", "0"), ("WEBHOOK_CONCURRENCY", "257"),
                            ("WEBHOOK_TIMEOUT_SECONDS", "61"), ("WEBHOOK_TIMEOUT_SECONDS", "1.5"),
                            ("WEBHOOK_CLAIM_LEASE_SECONDS", "4"), ("WEBHOOK_CLAIM_LEASE_SECONDS", "10")] {
            #expect(throws: LoginServerConfiguration.EnvironmentError.self, "\(name)=\(bad)") {
                try LoginServerConfiguration.fromEnvironment([name: bad], sandbox: true)
            }
        }
    }

    // MARK: The admin API

    @Test func theAdminAPIChecksEndpointsAndShowsSecretsOnlyOnce() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            #expect(try await admin(world, .GET, "/api/admin/webhooks", token: nil).status == 401)
            for body in [#"{"url": "http://shop.example.com/hook"}"#, #"{"url": "ftp://127.0.0.1/x"}"#,
                         #"{"url": "https://user:pw@shop.example.com/hook"}"#, #"{"url": "not a url"}"#, #"{}"#,
                         #"{"url": "https://shop.example.com/hook", "eventTypes": ["user.vanished"]}"#,
                         #"{"url": "https://shop.example.com/hook", "eventTypes": []}"#] {
                let result = try await admin(world, .POST, "/api/admin/webhooks", json: body)
                #expect(result.status == 400, "\(body) → \(result.status) \(result.body)")
                #expect(result.json["error"] as? Bool == true)
            }
            #expect(try await world.count(table: "webhook_endpoints") == 0, "nothing written")
            let endpoint = try await register(world, url: "http://localhost:9/hook", types: #"["user.created"]"#)
            let shown = try await admin(world, .GET, "/api/admin/webhooks/\(endpoint.id)")
            #expect(shown.status == 200 && !shown.body.contains("whsec_"))
            #expect(shown.json["eventTypes"] as? [String] == ["user.created"])
            let listed = try await admin(world, .GET, "/api/admin/webhooks")
            #expect(listed.status == 200 && !listed.body.contains("whsec_"))
            let patched = try await admin(world, .PATCH, "/api/admin/webhooks/\(endpoint.id)",
                                          json: #"{"eventTypes": ["*"], "description": "shop"}"#)
            #expect(patched.status == 200 && patched.json["eventTypes"] as? [String] == ["*"])
            #expect(patched.json["url"] as? String == "http://localhost:9/hook")
            let rotated = try await admin(world, .POST, "/api/admin/webhooks/\(endpoint.id)/secret")
            let newSecret = try #require(rotated.json["secret"] as? String)
            #expect(rotated.status == 200 && newSecret != endpoint.secret && newSecret.hasPrefix("whsec_"))
            #expect(try await admin(world, .DELETE, "/api/admin/webhooks/\(endpoint.id)").status == 204)
            #expect(try await admin(world, .GET, "/api/admin/webhooks/\(endpoint.id)").json["enabled"] as? Bool == false)
            #expect(try await admin(world, .GET, "/api/admin/webhooks/\(UUID())").status == 404)
            #expect(try await admin(world, .GET, "/api/admin/webhooks/nope/deliveries").status == 404)
            #expect(try await admin(world, .GET, "/api/admin/webhooks/\(endpoint.id)/deliveries?status=lost").status == 400)
        }
    }
}
