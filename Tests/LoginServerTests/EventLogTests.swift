import Fluent
import Foundation
import Logging
import NIOHTTP1
import Testing
import WeChatKit
@testable import LoginServer

/// The durable event log: each change writes exactly its events, in its own transaction (a change that does not
/// happen writes none), concurrent changes one event each, and the audit trail's pages and retention. On SQLite, or
/// PostgreSQL with `TEST_DATABASE_URL`.
@Suite(.serialized) struct EventLogTests {
    static let token = "admin-token-0123456789abcdef0123"

    /// Every event, oldest first.
    static func events(_ world: LoginWorld) async throws -> [StoredEvent] {
        try await EventLog(database: world.server.db).after(0, limit: 100_000)
    }

    static func types(_ world: LoginWorld) async throws -> [String] {
        try await events(world).map(\.type)
    }

    static func payload(_ event: StoredEvent) throws -> [String: JSONScalar] {
        try JSONDecoder().decode([String: JSONScalar].self, from: Data(event.payload.utf8))
    }

    func admin(_ world: LoginWorld, _ path: String, token: String? = EventLogTests.token) async throws -> Browser.Result {
        var headers = HTTPHeaders()
        if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        let response = try await world.server.testing().performTest(
            request: .init(method: .GET, url: .init(string: path), headers: headers, body: .init()))
        return Browser.Result(status: Int(response.status.code), headers: response.headers,
                              body: String(buffer: response.body), url: path)
    }

    // MARK: Each change writes its events

    @Test func aFirstSignInWithBindingThenASecondSignInWriteExactlyTheirEvents() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            #expect(try await Self.types(world).isEmpty, "an identity waiting to be bound is no sign-in")
            _ = try await browser.bind(contact: "13800138000")
            #expect(try await Self.types(world) == ["user.created", "identity.bound", "signin.succeeded"])
            _ = try await world.browser().pcLogin(as: "u1")
            let events = try await Self.events(world)
            #expect(events.map(\.type) == ["user.created", "identity.bound", "signin.succeeded", "signin.succeeded"])
            let user = try #require(try await User.query(on: world.server.db).first())
            #expect(events.allSatisfy { $0.userID == user.id && $0.actorKind == "person" })
            let identity = try #require(try await WeChatIdentity.query(on: world.server.db).first())
            let last = try Self.payload(try #require(events.last))
            #expect(last["flow"] == .string("pc_qr") && last["via"] == .string("callback"))
            #expect(last["appid"] == .string(world.websiteAppID) && last["openid"] == .string(identity.openID))
            #expect(last["identity_id"] == .string(try identity.requireID().uuidString.lowercased()))
            let bound = try Self.payload(events[1])
            #expect(bound["via"] == .string("binding"))
            for event in events {
                #expect(!event.payload.contains("13800138000"), "no phone number in a payload")
            }
        }
    }

    @Test func theInWeChatSignInJoinsByUnionIDAndSaysSo() async throws {
        try await LoginWorld.with { world in
            let pc = world.browser()
            _ = try await pc.pcLogin(as: "u1")
            _ = try await pc.bind(contact: "13800138000")
            let phone = world.browser(userAgent: Browser.weChatUserAgent)
            _ = try await phone.weChatLogin(as: "u1")
            let events = try await Self.events(world)
            #expect(events.map(\.type).suffix(2) == ["identity.bound", "signin.succeeded"])
            let joined = try Self.payload(events[events.count - 2])
            #expect(joined["via"] == .string("unionid") && joined["appid"] == .string(world.officialAccountID))
            let signedIn = try Self.payload(try #require(events.last))
            #expect(signedIn["flow"] == .string("in_wechat_userinfo") || signedIn["flow"] == .string("in_wechat_base"))
            // Again: already bound, so only a sign-in.
            _ = try await world.browser(userAgent: Browser.weChatUserAgent).weChatLogin(as: "u1")
            #expect(try await Self.types(world).suffix(3) == ["identity.bound", "signin.succeeded", "signin.succeeded"])
        }
    }

    @Test func unbindingWritesIdentityUnboundAndARefusedUnbindWritesNothing() async throws {
        try await LoginWorld.with { world in
            let pc = world.browser()
            _ = try await pc.pcLogin(as: "u1")
            _ = try await pc.bind(contact: "13800138000")
            let user = try #require(try await User.query(on: world.server.db).first())
            let accounts = AccountService(database: world.server.db)
            let only = try #require(try await accounts.identities(of: user).first)
            let before = try await Self.events(world).count
            await #expect(throws: AccountService.UnbindFailure.lastSignInMethod) {
                try await accounts.unbind(identityID: try only.requireID(), from: user, now: world.clock.now())
            }
            #expect(try await Self.events(world).count == before, "a refused unbind announces nothing")
            _ = try await world.browser(userAgent: Browser.weChatUserAgent).weChatLogin(as: "u1")
            let identities = try await accounts.identities(of: user)
            try await accounts.unbind(identityID: try identities[1].requireID(), from: user, now: world.clock.now(),
                                      actor: EventActor(kind: .person, address: "203.0.113.9"))
            let last = try #require(try await Self.events(world).last)
            #expect(last.type == "identity.unbound" && last.userID == user.id && last.actorAddress == "203.0.113.9")
            #expect(try Self.payload(last)["identity_id"] == .string(try identities[1].requireID().uuidString.lowercased()))
        }
    }

    @Test func aChangeThatRollsBackWritesNoEvent() async throws {
        try await LoginWorld.with { world in
            try await UserStore(database: world.server.db).create(User(contact: .phone("13800138000"), displayName: nil))
            await #expect(throws: (any Error).self) {
                try await world.server.db.writeTransaction { tx in
                    try await EventLog(database: tx).append(Event(
                        .userCreated, userID: nil, actor: .system, payload: EventPayload(via: "binding")), at: world.clock.now())
                    // The phone is taken: the unique index refuses the user, and the event goes with it.
                    try await UserStore(database: tx).create(User(contact: .phone("13800138000"), displayName: nil))
                }
            }
            #expect(try await Self.events(world).isEmpty)
        }
    }

    @Test func theLastWrongCodeOfAChallengeWritesOneLimitEvent() async throws {
        try await LoginWorld.with(adjust: {
            ($0.bindLimits.failuresPerAddressPerHour, $0.bindLimits.failuresPerAddressPerDay) = (1000, 1000)
        }) { world in
            let request = try await world.requestBindCode(as: "u1", contact: "13800138000")
            let (challengeID, identityID) = try await world.sentChallenge(request)
            let wrong = LoginWorld.wrongCode(try await world.latestCode(for: "13800138000"))
            let outcomes = try await withThrowingTaskGroup(of: BindService.Verification.self) { group in
                for index in 0..<20 {
                    let service = world.bindService(loop: index)
                    group.addTask { try await service.verify(challengeID: challengeID, identityID: identityID, typed: wrong) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .wrongCode = $0 { true } else { false } }.count == 4)
            let events = try await Self.events(world)
            #expect(events.map(\.type) == ["binding.code_limit_reached"], "one event, whatever the burst")
            let payload = try Self.payload(try #require(events.first))
            #expect(payload["limit"] == .string("attempts"))
            #expect(payload["challenge_id"] == .string(challengeID.uuidString.lowercased()))
        }
    }

    @Test func wrongCodesThatFillAnAddressCapWriteOneEventPerCap() async throws {
        try await LoginWorld.with(adjust: { $0.bindLimits.failuresPerAddressPerHour = 2 }) { world in
            let request = try await world.requestBindCode(as: "u1", contact: "13800138000")
            let (challengeID, identityID) = try await world.sentChallenge(request)
            let wrong = LoginWorld.wrongCode(try await world.latestCode(for: "13800138000"))
            let service = world.bindService()
            var outcomes: [BindService.Verification] = []
            for _ in 0..<4 {
                outcomes.append(try await service.verify(challengeID: challengeID, identityID: identityID, typed: wrong))
            }
            #expect(outcomes.suffix(2).allSatisfy { if case .limited = $0 { true } else { false } })
            let events = try await Self.events(world)
            #expect(events.map(\.type) == ["binding.code_limit_reached"])
            #expect(try Self.payload(events[0])["limit"] == .string("fail.address.hour"))
        }
    }

    @Test func followAndUnfollowPushesWriteTheirEventsWithTheirFollowState() async throws {
        try await LoginWorld.with { world in
            _ = try await world.browser(userAgent: Browser.weChatUserAgent).weChatLogin(as: "u2")
            let openID = world.sandbox.openID(userID: "u2", appID: world.officialAccountID)
            let recorder = PushRecorder(database: world.server.db, clock: world.clock, logger: Logger(label: "test"))
            for (event, time) in [("subscribe", 1_700_000_000), ("unsubscribe", 1_700_000_001), ("subscribe", 1_700_000_001)] {
                let push = try InboundMessage(parsing: Array("""
                    <xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><FromUserName><![CDATA[\(openID)]]></FromUserName><CreateTime>\(time)</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[\(event)]]></Event></xml>
                    """.utf8))
                #expect(try await recorder.record(push, appID: world.officialAccountID, address: "101.226.103.1").isFirstArrival)
                #expect(try await !recorder.record(push, appID: world.officialAccountID).isFirstArrival, "a repeat writes nothing")
            }
            let events = try await Self.events(world)
            #expect(events.map(\.type) == ["official_account.followed", "official_account.unfollowed", "official_account.followed"])
            #expect(events.allSatisfy { $0.actorKind == "wechat" && $0.actorAddress == "101.226.103.1" && $0.userID == nil })
            #expect(try Self.payload(events[0])["openid"] == .string(openID))
        }
    }

    @Test func templateMessageVerdictsWriteDeliveredOrFailed() async throws {
        let messages = TemplateQueueTests()
        try await TemplateQueueTests.withWorld(adjust: { $0.messageQueue.workerEnabled = false }) { world in
            var ids: [UUID] = []
            for user in ["u1", "u2"] {
                ids.append(try #require(UUID(uuidString: try await messages.enqueue(
                    world, recipient: #""openid":"\#(messages.openID(world, user))""#))))
            }
            let queue = TemplateMessageQueue(database: world.server.db, clock: world.clock)
            #expect(try await queue.claim(worker: "w1", limit: 2, lease: 60).count == 2)
            #expect(try await queue.record([(ids[0], .sent(msgID: 801)), (ids[1], .failed(errcode: 43004, reason: "not following"))],
                                           worker: "w1") == Set(ids))
            #expect(try await Self.types(world) == ["template_message.failed"], "a send WeChat accepted is not yet a verdict")
            let report = try InboundMessage(parsing: Array("""
                <xml><ToUserName><![CDATA[gh_5a1c9e0b3d7f]]></ToUserName><FromUserName><![CDATA[\(messages.openID(world, "u1"))]]></FromUserName><CreateTime>1700000002</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>801</MsgID><Status><![CDATA[success]]></Status></xml>
                """.utf8))
            let recorder = PushRecorder(database: world.server.db, clock: world.clock, logger: Logger(label: "test"))
            try await recorder.record(report, appID: world.officialAccountID)
            try await recorder.record(report, appID: world.officialAccountID)
            let events = try await Self.events(world)
            #expect(events.map(\.type) == ["template_message.failed", "template_message.delivered"])
            #expect(try Self.payload(events[0])["errcode"] == .integer(43004) && events[0].actorKind == "system")
            let delivered = try Self.payload(events[1])
            #expect(delivered["msgid"] == .integer(801) && delivered["message_id"] == .string(ids[0].uuidString.lowercased()))
            #expect(events[1].actorKind == "wechat")
        }
    }

    @Test func providerTokensIssuedRefreshedAndRevokedAreEvents() async throws {
        try await LoginWorld.with(adjust: { $0.adminToken = EventLogTests.token }) { world in
            let client = try await TestRelyingParty.register(
                world, scopes: ["openid", "offline_access"], grantTypes: [.authorizationCode, .refreshToken])
            let browser = world.browser()
            let answer = try client.answer(try await browser.firstSignIn(
                client, as: "u1", contact: "13800138001", url: client.authorizeURL(scope: "openid offline_access")))
            let code = try #require(answer["code"])
            let signIn = try #require(try await Self.events(world).first { $0.type == "signin.succeeded" })
            #expect(try Self.payload(signIn)["client_id"] == .string(client.clientID), "the sign-in names the client it was for")
            // Concurrent redemptions: one issues tokens.
            let results = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await client.redeem(world, code: code).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { $0 == 200 }.count == 1)
            let issued = try await Self.events(world).filter { $0.type == "oidc.tokens_issued" }
            #expect(issued.count == 1)
            let payload = try Self.payload(try #require(issued.first))
            #expect(payload["grant"] == .string("authorization_code") && payload["client_id"] == .string(client.clientID))
            #expect(issued.first?.actorKind == "client")
            for event in try await Self.events(world) {
                #expect(!event.payload.contains(code), "no code in a payload")
            }
            // The losing redemptions are reuses: the grant's tokens die (the code's row marks the grant revoked, so
            // tokens the winner commits later are dead too). Each loser announces what it found alive to revoke: on
            // SQLite at most one of them, on PostgreSQL more when the winner commits between a loser's two revoke
            // statements — never more than there were losers.
            let reuses = try await Self.events(world).filter { $0.type == "oidc.tokens_revoked" }
            #expect(reuses.count <= 3)
            #expect(try reuses.allSatisfy { try Self.payload($0)["reason"] == .string("code_reused") })
            // Single sign-on gives a new code at once; its tokens are alive until the admin revokes them.
            let again = try client.answer(try await browser.get(client.authorizeURL(scope: "openid offline_access")))
            let refreshed = try await client.redeem(world, code: try #require(again["code"]))
            #expect(refreshed.status == 200)
            let refreshToken = try #require(refreshed.json["refresh_token"] as? String)
            let rotation = try await TestRelyingParty.post(world, "/oauth/token", form: [
                ("grant_type", "refresh_token"), ("refresh_token", refreshToken),
            ], authorization: "Basic " + Data("\(client.clientID):\(client.secret ?? "")".utf8).base64EncodedString())
            #expect(rotation.status == 200)
            let rotated = try #require(try await Self.events(world).last)
            #expect(try rotated.type == "oidc.tokens_issued" && Self.payload(rotated)["grant"] == .string("refresh_token"))
            // The app revokes the rotated refresh token: its family ends, announced once.
            let basic = "Basic " + Data("\(client.clientID):\(client.secret ?? "")".utf8).base64EncodedString()
            let next = try #require(rotation.json["refresh_token"] as? String)
            for _ in 0..<2 {
                let revoked = try await TestRelyingParty.post(world, "/oauth/revoke", form: [("token", next)], authorization: basic)
                #expect(revoked.status == 200)
            }
            let byClient = try await Self.events(world).filter {
                $0.type == "oidc.tokens_revoked" && (try? Self.payload($0)["reason"]) == .string("client_revocation")
            }
            #expect(byClient.count == 1 && byClient.first?.actorKind == "client", "\(byClient)")
            // Single sign-on again, so the admin has something to revoke.
            let third = try client.answer(try await browser.get(client.authorizeURL(scope: "openid offline_access")))
            #expect(try await client.redeem(world, code: try #require(third["code"])).status == 200)
            // A rotated refresh token presented again ends its family: announced once, however often it comes back.
            let fourth = try client.answer(try await browser.get(client.authorizeURL(scope: "openid offline_access")))
            let fourthCode = try #require(fourth["code"])
            let redeemed = try await client.redeem(world, code: fourthCode)
            let stolen = try #require(redeemed.json["refresh_token"] as? String)
            let refresh = [("grant_type", "refresh_token"), ("refresh_token", stolen)]
            #expect(try await TestRelyingParty.post(world, "/oauth/token", form: refresh, authorization: basic).status == 200)
            for _ in 0..<2 {
                #expect(try await TestRelyingParty.post(world, "/oauth/token", form: refresh, authorization: basic).status == 400)
            }
            let reused = try await Self.events(world).filter {
                (try? Self.payload($0)["reason"]) == .string("refresh_token_reused")
            }
            #expect(reused.count == 1 && reused.first?.userID != nil)
            let user = try #require(try await User.query(on: world.server.db).first())
            let revoke = try await world.server.testing().performTest(request: .init(
                method: .POST, url: .init(string: "/api/admin/users/\(try user.requireID())/revoke-tokens"),
                headers: ["Authorization": "Bearer \(Self.token)"], body: .init()))
            #expect(revoke.status == .ok)
            let last = try #require(try await Self.events(world).last)
            #expect(last.type == "oidc.tokens_revoked" && last.actorKind == "admin" && last.userID == user.id)
            #expect(try Self.payload(last)["reason"] == .string("admin"))
        }
    }

    // MARK: The audit trail

    @Test func theRetentionSettingDefaultsToAYearAndRefusesNonsense() throws {
        #expect(try LoginServerConfiguration.fromEnvironment([:], sandbox: true).auditRetention == 365 * 86_400)
        let month = try LoginServerConfiguration.fromEnvironment(["AUDIT_RETENTION_DAYS": "30"], sandbox: true)
        #expect(month.auditRetention == 30 * 86_400)
        for bad in ["0", "-1", "1.5", "forever", "36501"] {
            #expect(throws: LoginServerConfiguration.EnvironmentError.self, "\(bad)") {
                try LoginServerConfiguration.fromEnvironment(["AUDIT_RETENTION_DAYS": bad], sandbox: true)
            }
        }
    }

    @Test func payloadsKeepTheirJSONTypesAndCursorsRoundTrip() throws {
        let payload = EventPayload(identityID: UUID(uuidString: "0B9E0000-0000-4000-8000-000000000001"), msgID: 1,
                                   errcode: 0, refreshToken: true, count: 1)
        let json = try payload.json()
        #expect(json == #"{"count":1,"errcode":0,"identity_id":"0b9e0000-0000-4000-8000-000000000001","msgid":1,"refresh_token":true}"#)
        let decoded = try JSONDecoder().decode([String: JSONScalar].self, from: Data(json.utf8))
        #expect(decoded["refresh_token"] == .bool(true) && decoded["count"] == .integer(1) && decoded["msgid"] == .integer(1))
        for id: Int64 in [1, 9, 4713, .max] { #expect(EventCursor.decode(EventCursor.encode(id)) == id) }
        #expect(EventCursor.decode("ZTE6MA") == nil, "e1:0 is no event")
        #expect(EventCursor.decode("!!") == nil && EventCursor.decode("") == nil)
    }

    @Test func theAuditTrailFiltersAndWalksPagesNewestFirst() async throws {
        try await LoginWorld.with(adjust: { $0.adminToken = EventLogTests.token }) { world in
            let pc = world.browser()
            _ = try await pc.pcLogin(as: "u1")
            _ = try await pc.bind(contact: "13800138000")
            for _ in 0..<3 { _ = try await world.browser().pcLogin(as: "u1") }
            let user = try #require(try await User.query(on: world.server.db).first())
            let all = try await admin(world, "/api/admin/events?user_id=\(try user.requireID())")
            #expect(all.status == 200)
            #expect(all.headers.first(name: .cacheControl)?.contains("no-store") == true)
            let listed = try #require(all.json["events"] as? [[String: Any]])
            #expect(listed.compactMap { $0["type"] as? String }
                == ["signin.succeeded", "signin.succeeded", "signin.succeeded", "signin.succeeded", "identity.bound", "user.created"])
            #expect((listed.first?["actor"] as? [String: Any])?["kind"] as? String == "person")
            #expect(all.json["nextCursor"] == nil, "a page that is not full is the last")

            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await admin(world, "/api/admin/events?type=signin.succeeded&limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(page.status == 200)
                seen += (page.json["events"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                cursor = page.json["nextCursor"] as? String
            } while cursor != nil
            #expect(seen.count == 4 && Set(seen).count == 4)
            #expect(seen == seen.sorted { Int($0)! > Int($1)! })

            let later = world.clock.now().addingTimeInterval(60).formatted(.iso8601)
            let none = try await admin(world, "/api/admin/events?since=\(later)")
            #expect((none.json["events"] as? [Any])?.isEmpty == true)
            for bad in ["cursor=abc", "limit=0", "limit=501", "type=nope", "user_id=1", "since=yesterday"] {
                let refused = try await admin(world, "/api/admin/events?\(bad)")
                #expect(refused.status == 400, "\(bad)")
                #expect(refused.json["error"] as? Bool == true)
            }
            #expect(try await admin(world, "/api/admin/events", token: nil).status == 401)
            #expect(try await admin(world, "/api/admin/events", token: "wrong-token-0123456789abcdef0123").status == 401)
        }
    }

    @Test func walkingTheTrailSeesEveryEventOnceWhileNewOnesAreWritten() async throws {
        try await LoginWorld.with { world in
            let log = EventLog(database: world.server.db)
            func append(_ count: Int, on database: any Database) async throws {
                for _ in 0..<count {
                    try await database.writeTransaction { tx in
                        try await EventLog(database: tx).append(Event(
                            .signInSucceeded, userID: nil, actor: .system, payload: EventPayload(via: "test")), at: Date())
                    }
                }
            }
            try await append(50, on: world.server.db)
            let before = Set(try await Self.events(world).map(\.id))
            let walked = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for writer in 0..<3 {
                    let database = world.database(loop: writer + 1)
                    group.addTask { try await append(20, on: database); return [] }
                }
                group.addTask {
                    var ids: [Int64] = []
                    var cursor: Int64?
                    // The walk starts below every id written from now on, as a first page's cursor would.
                    let start = before.max().map { $0 + 1 }
                    repeat {
                        let page = try await log.newestFirst(EventLog.Query(before: cursor ?? start, limit: 7))
                        ids += page.map(\.id)
                        cursor = page.count == 7 ? page.last?.id : nil
                    } while cursor != nil
                    return ids
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(walked.count == before.count && Set(walked) == before, "every event exactly once")
            #expect(try await Self.events(world).count == 110)
        }
    }

    @Test func retentionDeletesOnlyEventsOlderThanTheSettingInBatches() async throws {
        try await LoginWorld.with { world in
            let old = world.clock.now()
            try await EventLog(database: world.server.db).append((0..<7).map { _ in
                Event(.signInSucceeded, userID: nil, actor: .system, payload: EventPayload(via: "old"))
            }, at: old)
            world.clock.advance(by: 30 * 86_400)
            try await EventLog(database: world.server.db).append(
                Event(.signInSucceeded, userID: nil, actor: .system, payload: EventPayload(via: "new")), at: world.clock.now())
            let sweeper = RetentionSweeper(database: world.server.db, clock: world.clock, auditRetention: 31 * 86_400)
            #expect(try await sweeper.sweep().events == 0, "nothing is older than 31 days yet")
            world.clock.advance(by: 2 * 86_400)
            #expect(try await EventLog.sweep(occurredBefore: world.clock.now().addingTimeInterval(-31 * 86_400), batch: 3,
                                             on: world.server.db) == 7)
            let left = try await Self.events(world)
            #expect(left.count == 1 && left.first?.payload.contains("new") == true)
        }
    }
}
