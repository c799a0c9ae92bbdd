import Fluent
import Foundation
import NIOHTTP1
import SQLKit
import Testing
import Vapor
import VaporTesting
import WeChatKit
@testable import LoginServer

/// 注销: deleting an account leaves no row naming the person in any table (walked from the database's own
/// catalogue), ends sessions and provider tokens on every instance, lets the same WeChat user register afresh, asks
/// for a fresh sign-in and a typed confirmation, and writes one `user.deleted` that webhooks deliver. On SQLite, or
/// PostgreSQL with `TEST_DATABASE_URL` (the two-instance test runs on PostgreSQL only).
@Suite(.serialized) struct AccountDeletionTests {
    static let token = "admin-token-0123456789abcdef0123"
    static let base = LoginWorld.serverBase

    static func adjust(_ configuration: inout LoginServerConfiguration) {
        configuration.adminToken = token
        configuration.webhooks.workerEnabled = false  // the tests drain their own worker
        configuration.webhooks.jitter = 0
        configuration.messageQueue.workerEnabled = false  // queued messages stay queued until the deletion
    }

    // MARK: Helpers

    static func admin(_ app: Application, _ method: HTTPMethod, _ path: String, json: String? = nil) async throws
        -> Browser.Result {
        var headers = HTTPHeaders()
        headers.add(name: .authorization, value: "Bearer \(token)")
        if json != nil { headers.add(name: .contentType, value: "application/json") }
        let response = try await app.testing().performTest(
            request: .init(method: method, url: .init(string: path), headers: headers, body: ByteBuffer(string: json ?? "")))
        return Browser.Result(status: Int(response.status.code), headers: response.headers,
                              body: String(buffer: response.body), url: path)
    }

    /// `POST /api/me/delete` with the session's CSRF header and `confirmation` (no body field when nil).
    static func apiDelete(_ browser: Browser, confirmation: String?) async throws -> Browser.Result {
        let me = try await browser.get("\(base)/api/me")
        let csrf = me.json["csrfToken"] as? String ?? ""
        let body = confirmation.map { #"{"confirmation": "\#($0)"}"# } ?? "{}"
        return try await browser.send(.POST, "\(base)/api/me/delete", body: body, contentType: "application/json",
                                      headers: [("X-CSRF-Token", csrf)])
    }

    static func userID(_ world: LoginWorld, phone: String) async throws -> UUID? {
        try await User.query(on: world.server.db).filter(\.$phone == phone).first()?.requireID()
    }

    static func count(_ world: LoginWorld, _ query: SQLQueryString) async throws -> Int {
        try await world.server.db.sql().raw(query).first()?.decode(column: "n", as: Int.self) ?? -1
    }

    /// Every table of the database, from its own catalogue (so a table added later is walked too).
    static func tables(_ db: any Database) async throws -> [String] {
        let sql = try db.sql()
        let query: SQLQueryString = sql.dialect.name == "sqlite"
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            : "SELECT CAST(table_name AS TEXT) AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        return try await sql.raw(query).all().map { try $0.decode(column: "name", as: String.self) }.sorted()
    }

    /// Every row of `table`, each as one text of all its columns.
    static func rowsAsText(_ table: String, _ db: any Database) async throws -> [String] {
        let sql = try db.sql()
        if sql.dialect.name == "sqlite" {
            let columns = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table))").all()
                .map { try $0.decode(column: "name", as: String.self) }
            #expect(!columns.isEmpty, "\(table) has columns")
            let text = columns.map { "COALESCE(CAST(\"\($0)\" AS TEXT), '')" }.joined(separator: " || '|' || ")
            return try await sql.raw("SELECT \(unsafeRaw: text) AS row_text FROM \(ident: table)").all()
                .map { try $0.decode(column: "row_text", as: String.self) }
        }
        return try await sql.raw("SELECT CAST(t AS TEXT) AS row_text FROM \(ident: table) AS t").all()
            .map { try $0.decode(column: "row_text", as: String.self) }
    }

    // MARK: a) Nothing names the person afterwards

    @Test func deletionLeavesNoRowInAnyTableThatNamesThePerson() async throws {
        let receiver = try await WebhookReceiver.start()
        let sender = WebhookSender(timeout: 5)
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let db = world.server.db
            let hook = try await Self.admin(world.server, .POST, "/api/admin/webhooks", json: #"{"url": "\#(receiver.url)"}"#)
            #expect(hook.status == 201, "\(hook.body)")

            // The person: website sign-in through an OpenID Connect client (code, refresh and access token), bound to
            // a phone; the official account's identity joins by unionid; the business gives an external id, email
            // and name.
            let phone = "13800138000"
            let client = try await TestRelyingParty.register(
                world, scopes: ["openid", "profile", "offline_access"], grantTypes: [.authorizationCode, .refreshToken])
            let person = world.browser()
            let answer = try client.answer(try await person.firstSignIn(
                client, as: "u1", contact: phone, url: client.authorizeURL(scope: "openid profile offline_access")))
            let tokens = try await client.redeem(world, code: try #require(answer["code"]))
            #expect(tokens.status == 200, "\(tokens.body)")
            let inWeChat = world.browser(userAgent: Browser.weChatUserAgent)
            _ = try await inWeChat.weChatLogin(as: "u1")
            let userID = try #require(try await Self.userID(world, phone: phone))
            let patched = try await Self.admin(world.server, .PATCH, "/api/admin/users/\(userID)", json: """
                {"externalID": "shop-customer-42", "email": "zhang.san@example.com", "name": "张三丰"}
                """)
            #expect(patched.status == 200, "\(patched.body)")
            let identities = try await WeChatIdentity.query(on: db).filter(\.$user.$id == userID).all()
            #expect(identities.count == 2)
            // Some of their events are delivered before the deletion, the later ones are still pending.
            #expect(try await WebhookTests.worker(world, sender: sender).drain() > 0)

            // A pending contact change (a code to a new address, in the outbox), a code issued but not redeemed.
            let me = try await person.get("\(Self.base)/api/me")
            let code = try await person.send(.POST, "\(Self.base)/api/me/contact/code",
                                             body: #"{"contact": "zhang.new@example.com"}"#, contentType: "application/json",
                                             headers: [("X-CSRF-Token", try #require(me.json["csrfToken"] as? String))])
            #expect(code.status == 202, "\(code.body)")
            _ = try await AuthorizationCodeStore(database: db).insert(.init(
                grantID: "grant-unredeemed", clientID: client.clientID, redirectURI: client.redirectURI, scope: "openid",
                nonce: nil, codeChallenge: nil, userID: userID, authTime: world.clock.now()), now: world.clock.now(), lifetime: 60)

            // Template messages: one delivered, one still queued; a push from the person to the official account.
            let officialAccount = try #require(identities.first { $0.appKind == AppKind.officialAccount.rawValue })
            let queue = TemplateMessageQueue(database: db, clock: world.clock)
            for _ in 0..<2 {
                _ = try await queue.enqueue(.init(
                    appID: officialAccount.appID, userID: userID,
                    message: TemplateMessage(toUser: officialAccount.openID, templateID: "tpl-order", url: nil,
                                             data: [.init("first", "张三丰的订单已发货")]),
                    idempotencyKey: "order-\(UUID())", batchID: nil))
                world.clock.advance(by: 1)
            }
            let delivered = try #require(try await TemplateMessageRecord.query(on: db).sort(\.$createdAt).first())
            delivered.status = TemplateMessageStatus.delivered.rawValue
            delivered.msgID = 4242
            delivered.attempts = 1
            try await delivered.save(on: db)
            let fields = ["FromUserName": officialAccount.openID, "MsgType": "text", "Content": "请把快递放在门口"]
            _ = try await InboundEventStore(database: db).insert(.init(
                dedupKey: "test:\(UUID())", appID: officialAccount.appID, openID: officialAccount.openID, msgType: "text",
                event: nil, fields: String(decoding: try JSONEncoder().encode(fields), as: UTF8.self),
                createTime: Int64(world.clock.now().timeIntervalSince1970), msgID: nil, receivedAt: world.clock.now()))

            // A follow-to-sign-in scene the person scanned, and two pushes relayed to the business's handler: an event
            // (its key holds the openid) and a text message whose passive reply names them.
            let now = world.clock.now()
            let scenes = FollowLoginSceneStore(database: db)
            try await scenes.create(.init(
                scene: "wl_deletiontest", browserBindingHash: "binding-hash", appID: officialAccount.appID, ticket: "ticket",
                qrURL: "http://weixin.qq.com/q/test", returnTo: "/account", status: .pending, createdAt: now,
                expiresAt: now.addingTimeInterval(300)))
            #expect(try await scenes.markScanned("wl_deletiontest", appID: officialAccount.appID,
                                                 openID: officialAccount.openID, ticket: "ticket", at: now))
            let relays = PushRelayStore(database: db)
            #expect(try await relays.claim(key: "\(officialAccount.openID):\(Int(now.timeIntervalSince1970)):subscribe", at: now))
            #expect(try await relays.claim(key: "msg:987654321", at: now))
            try await relays.finish(key: "msg:987654321", state: .replied, reply: """
                <xml><ToUserName><![CDATA[\(officialAccount.openID)]]></ToUserName><Content><![CDATA[好的]]></Content></xml>
                """, at: now)
            #expect(try await relays.claim(key: "msg:123456789", at: now), "someone else's relayed push, which stays")

            #expect(try await Self.count(world, "SELECT COUNT(*) AS n FROM oidc_access_tokens WHERE user_id = \(bind: userID)") == 1)

            // Someone else, who must stay.
            let other = world.browser()
            _ = try await other.pcLogin(as: "u2")
            _ = try await other.bind(contact: "lisi@example.com")

            // Everything that names the person, collected before the deletion.
            var needles: [String] = [phone, "zhang.san@example.com", "zhang.new@example.com", "张三丰", "张三",
                                     "shop-customer-42", "请把快递放在门口"]
            for identity in identities {
                needles += [identity.openID, identity.unionID, identity.accessTokenSealed, identity.refreshTokenSealed]
                    .compactMap { $0 }
            }
            let sql = try db.sql()
            for (table, column) in [("login_sessions", "id_hash"), ("oidc_refresh_tokens", "token_hash"),
                                    ("oidc_authorization_codes", "code_hash")] {
                let values = try await sql.raw("""
                    SELECT \(ident: column) AS v FROM \(ident: table) WHERE user_id = \(bind: userID)
                    """).all().map { try $0.decode(column: "v", as: String.self) }
                #expect(!values.isEmpty, "\(table) holds the person's rows before the deletion")
                needles += values
            }
            #expect(try await Self.count(world, "SELECT COUNT(*) AS n FROM login_sessions WHERE user_id = \(bind: userID)") == 2,
                    "both browsers' sessions carry the user")
            #expect(try await Self.count(world, "SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'pending'") > 0)

            // The person deletes their account.
            let deleted = try await Self.apiDelete(person, confirmation: "注销")
            #expect(deleted.status == 204, "\(deleted.body)")
            #expect(try await person.get("\(Self.base)/api/me").status == 401)

            // Walk every table of the database.
            let tables = try await Self.tables(db)
            for expected in ["users", "wechat_identities", "login_sessions", "events", "template_messages", "inbound_events",
                             "bind_challenges", "dev_outbox", "webhook_deliveries", "oidc_refresh_tokens",
                             "push_relays", "follow_login_scenes"] {
                #expect(tables.contains(expected), "the catalogue lists \(expected)")
            }
            var walked = 0
            var sawOther = false
            for table in tables {
                let rows = try await Self.rowsAsText(table, db)
                walked += 1
                for row in rows {
                    if row.contains("lisi@example.com") { sawOther = true }
                    for needle in needles where row.contains(needle) {
                        // The one exception: `user.deleted` carries the business's own id for the user.
                        let allowed = table == "events" && needle == "shop-customer-42" && row.contains("user.deleted")
                        #expect(allowed, "\(table) still names the person (\(needle.prefix(24))): \(row.prefix(300))")
                    }
                }
            }
            #expect(walked == tables.count && walked >= 20)
            #expect(sawOther, "the walk reads rows: the other person is still there")

            // What stays: the delivered message, detached; the scrubbed history; one user.deleted; others' relayed pushes.
            #expect(try await relays.find(key: "msg:123456789") != nil)
            #expect(try await scenes.find("wl_deletiontest") == nil)
            let kept = try await TemplateMessageRecord.query(on: db).all()
            #expect(kept.count == 1 && kept.first?.status == "delivered" && kept.first?.$user.id == nil)
            #expect(try await Self.count(world, "SELECT COUNT(*) AS n FROM oidc_access_tokens WHERE user_id = \(bind: userID)") == 0)
            let deletedEvents = try await EventLog(database: db).newestFirst(.init(type: "user.deleted"))
            #expect(deletedEvents.count == 1)
            let event = try #require(deletedEvents.first)
            #expect(event.userID == userID && event.actorKind == "person" && event.actorAddress == nil)
            #expect(event.payload == #"{"delivered_messages":1,"external_id":"shop-customer-42"}"#)
            #expect(try await Self.count(world, "SELECT COUNT(*) AS n FROM events WHERE user_id = \(bind: userID)") > 3,
                    "the person's earlier events stay, scrubbed")

            // Webhooks: the person's pending deliveries went with the account; user.deleted goes out.
            let before = receiver.received.count
            #expect(try await WebhookTests.worker(world, sender: sender).drain() >= 1)
            let sent = try WebhookTests.bodies(Array(receiver.received.dropFirst(before)))
            let ours = sent.filter { $0.user?.lowercased() == userID.uuidString.lowercased() }
            #expect(ours.map(\.type) == ["user.deleted"], "\(sent)")
            let body = try #require(receiver.received.last { String(decoding: $0.body, as: UTF8.self).contains("user.deleted") })
            let text = String(decoding: body.body, as: UTF8.self)
            #expect(text.contains("shop-customer-42"))
            for needle in needles where needle != "shop-customer-42" { #expect(!text.contains(needle)) }
        }
        try await sender.shutdown()
        try await receiver.stop()
    }

    // MARK: b) Every instance

    @Test(.enabled(if: ProcessInfo.processInfo.environment["TEST_DATABASE_URL"]?.hasPrefix("postgres") == true))
    func deletionOnOneInstanceEndsSessionsAndTokensOnAnother() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let (client, tokens) = try await OIDCRefreshTests.signIn(world, contact: "13800138201")
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)
            #expect(try await TestRelyingParty.userInfo(world, token: access).status == 200)
            // A browser signed in on instance A (the world's server).
            let person = world.browser()
            _ = try await person.pcLogin(as: "u1")
            #expect(try await person.get("\(Self.base)/api/me").status == 200)
            let userID = try #require(try await Self.userID(world, phone: "13800138201"))

            // Instance B: another application on the same PostgreSQL database.
            let other = try await Application.make(.testing)
            var configuration = world.services.configuration
            configuration.messageQueue.workerEnabled = false
            configuration.webhooks.workerEnabled = false
            do {
                _ = try await LoginServer.configure(other, configuration, clock: world.clock, sandboxURL: world.sandboxBase)
                let answer = try await Self.admin(other, .DELETE, "/api/admin/users/\(userID)")
                #expect(answer.status == 200, "\(answer.body)")
                #expect(answer.json["sessions"] as? Int == 2 && answer.json["revoked_tokens"] as? Int == 2, "\(answer.body)")
            } catch {
                try await other.asyncShutdown()
                throw error
            }
            try await other.asyncShutdown()

            // A: the cookie signs no one in; the app's tokens are refused at once.
            #expect(try await person.get("\(Self.base)/api/me").status == 401)
            #expect(try await person.get("\(Self.base)/account").status == 303)
            #expect(try await TestRelyingParty.userInfo(world, token: access).status == 401)
            let refreshed = try await client.refresh(world, token: refresh)
            #expect(refreshed.status == 400 && refreshed.json["error"] as? String == "invalid_grant", "\(refreshed.body)")
        }
    }

    /// An authorization that was in flight when its user was deleted (the session read just before the deletion
    /// committed) may still write a code; redeeming it gives no tokens.
    @Test func aCodeIssuedForADeletedUserGetsNoTokens() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let db = world.server.db
            let client = try await TestRelyingParty.register(world, scopes: ["openid", "profile"], grantTypes: [.authorizationCode])
            let person = world.browser()
            let answer = try client.answer(try await person.firstSignIn(
                client, as: "u1", contact: "13800138000", url: client.authorizeURL(scope: "openid profile")))
            #expect(try await client.redeem(world, code: try #require(answer["code"])).status == 200)
            let userID = try #require(try await Self.userID(world, phone: "13800138000"))
            #expect(try await Self.admin(world.server, .DELETE, "/api/admin/users/\(userID)").status == 200)

            let late = try await AuthorizationCodeStore(database: db).insert(.init(
                grantID: "grant-in-flight", clientID: client.clientID, redirectURI: client.redirectURI, scope: "openid",
                nonce: nil, codeChallenge: nil, userID: userID, authTime: world.clock.now()), now: world.clock.now(), lifetime: 60)
            let refused = try await client.redeem(world, code: late)
            #expect(refused.status == 400 && refused.json["error"] as? String == "invalid_grant", "\(refused.body)")
            #expect(try await Self.count(world, "SELECT COUNT(*) AS n FROM oidc_access_tokens WHERE user_id = \(bind: userID)") == 0)
        }
    }

    // MARK: c) Afterwards, a new person

    @Test func theSameWeChatUserSigningInAgainIsANewPerson() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let person = world.browser()
            _ = try await person.pcLogin(as: "u1")
            _ = try await person.bind(contact: "13800138301")
            let first = try #require(try await Self.userID(world, phone: "13800138301"))
            #expect(try await Self.apiDelete(person, confirmation: "DELETE").status == 204)
            #expect(try await User.find(first, on: world.server.db) == nil)

            let again = world.browser()
            let callback = try await again.pcLogin(as: "u1")
            #expect(callback.location == "/bind", "first-time binding again")
            _ = try await again.bind(contact: "13800138301")
            let second = try #require(try await Self.userID(world, phone: "13800138301"))
            #expect(second != first)
            #expect(try await again.get("\(Self.base)/api/me").json["user"].flatMap { ($0 as? [String: Any])?["id"] as? String }
                    == second.uuidString)
        }
    }

    // MARK: d) Confirmation, admin, the event, concurrency

    @Test func aStaleSignInOrAWrongConfirmationDeletesNothing() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let person = world.browser()
            _ = try await person.pcLogin(as: "u1")
            _ = try await person.bind(contact: "13800138401")
            let userID = try #require(try await Self.userID(world, phone: "13800138401"))
            world.clock.advance(by: 301)

            // Stale: the API says why; the page and its form point to a new sign-in that comes back here.
            let api = try await Self.apiDelete(person, confirmation: "DELETE")
            #expect(api.status == 403 && api.json["error"] as? Bool == true, "\(api.body)")
            #expect((api.json["reason"] as? String)?.contains("Sign in with WeChat again") == true)
            let page = try await person.get("\(Self.base)/account/delete")
            #expect(page.status == 200)
            #expect(page.body.contains("/login?return_to=/account/delete") && page.input("confirmation") == nil)
            let csrf = try #require(try await person.get("\(Self.base)/account").input("csrf"))
            let posted = try await person.post("\(Self.base)/account/delete", form: [("confirmation", "注销"), ("csrf", csrf)])
            #expect(posted.status == 403 && posted.body.contains("/login?return_to=/account/delete"))

            // A fresh sign-in comes back to the page, which now has the form.
            let back = try await person.pcLogin(as: "u1", returnTo: "/account/delete")
            #expect(back.location == "/account/delete")
            let form = try await person.get("\(Self.base)/account/delete")
            #expect(form.input("confirmation") != nil || form.body.contains("name=\"confirmation\""))
            #expect(form.body.contains(#"<button class="danger" type="submit">永久注销我的账号</button>"#),
                    "the button that deletes for good looks dangerous, not like the green sign-in buttons")
            let freshCSRF = try #require(form.input("csrf"))

            // Wrong or missing confirmation, or no CSRF token: 400/403, nothing deleted.
            let wrong = try await person.post("\(Self.base)/account/delete", form: [("confirmation", "yes"), ("csrf", freshCSRF)])
            #expect(wrong.status == 400 && wrong.body.contains("DELETE"))
            let noCSRF = try await person.post("\(Self.base)/account/delete", form: [("confirmation", "DELETE")])
            #expect(noCSRF.status == 403)
            let wrongAPI = try await Self.apiDelete(person, confirmation: "delete me")
            #expect(wrongAPI.status == 400 && wrongAPI.json["error"] as? Bool == true)
            #expect(try await Self.apiDelete(person, confirmation: nil).status == 400)
            #expect(try await User.find(userID, on: world.server.db) != nil)
            #expect(try await Self.count(world, "SELECT COUNT(*) AS n FROM events WHERE type = 'user.deleted'") == 0)

            // The page deletes, in English too, and signs out.
            let done = try await person.post("\(Self.base)/account/delete?lang=en",
                                             form: [("confirmation", " delete "), ("csrf", freshCSRF)])
            #expect(done.status == 200 && done.body.contains("Account deleted"), "\(done.body.prefix(400))")
            #expect(try await User.find(userID, on: world.server.db) == nil)
            #expect(try await person.get("\(Self.base)/account").status == 303)
        }
    }

    @Test func theAdminDeletesByIDOrExternalIDOnce() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            let person = world.browser()
            _ = try await person.pcLogin(as: "u1")
            _ = try await person.bind(contact: "13800138501")
            let userID = try #require(try await Self.userID(world, phone: "13800138501"))
            let patched = try await Self.admin(world.server, .PATCH, "/api/admin/users/\(userID)", json: #"{"externalID": "crm-7"}"#)
            #expect(patched.status == 200)

            #expect(try await Self.admin(world.server, .DELETE, "/api/admin/users/by-external-id/crm-8").status == 404)
            #expect(try await Self.admin(world.server, .DELETE, "/api/admin/users/by-external-id/%20").status == 400)
            let answer = try await Self.admin(world.server, .DELETE, "/api/admin/users/by-external-id/crm-7")
            #expect(answer.status == 200, "\(answer.body)")
            #expect(answer.headers.first(name: .cacheControl) == "no-store")
            #expect(answer.json["user_id"] as? String == userID.uuidString && answer.json["external_id"] as? String == "crm-7")
            #expect(answer.json["identities"] as? Int == 1 && answer.json["sessions"] as? Int == 1)
            #expect(try await Self.admin(world.server, .DELETE, "/api/admin/users/\(userID)").status == 404)
            #expect(try await person.get("\(Self.base)/api/me").status == 401)

            let events = try await EventLog(database: world.server.db).newestFirst(.init(type: "user.deleted"))
            #expect(events.count == 1 && events.first?.actorKind == "admin" && events.first?.userID == userID)
            #expect(events.first?.payload == #"{"delivered_messages":0,"external_id":"crm-7"}"#)

            // The answers, and the audit trail showing user.deleted, are what /openapi.json says.
            let contract = try await OpenAPIDocumentTests.served(world)
            let trail = try await Self.admin(world.server, .GET, "/api/admin/events?type=user.deleted")
            let gone = try await Self.admin(world.server, .DELETE, "/api/admin/users/by-external-id/crm-7")
            for (method, template, result) in [("DELETE", "/api/admin/users/by-external-id/{externalID}", answer),
                                               ("DELETE", "/api/admin/users/by-external-id/{externalID}", gone),
                                               ("GET", "/api/admin/events", trail)] {
                let problems = contract.problems(method, template, status: result.status,
                                                 headers: result.headers.map { ($0.name, $0.value) }, body: result.body)
                #expect(problems.isEmpty, "\(problems)")
            }
            // Unauthenticated: refused.
            var headers = HTTPHeaders()
            headers.add(name: .authorization, value: "Bearer wrong")
            let refused = try await world.server.testing().performTest(
                request: .init(method: .DELETE, url: .init(string: "/api/admin/users/\(UUID())"), headers: headers, body: ByteBuffer()))
            #expect(refused.status == .unauthorized)
        }
    }

    @Test func twoDeletionsAtOnceDeleteOnceAndWriteOneEvent() async throws {
        try await LoginWorld.with(adjust: Self.adjust) { world in
            for round in 0..<3 {
                let person = world.browser()
                _ = try await person.pcLogin(as: "u\(round + 1)")
                _ = try await person.bind(contact: "13800138\(600 + round)")
                let userID = try #require(try await Self.userID(world, phone: "13800138\(600 + round)"))
                // The person's request, made ready beforehand (the browser is not shared between tasks).
                let csrf = try #require(try await person.get("\(Self.base)/api/me").json["csrfToken"] as? String)
                var headers = HTTPHeaders()
                headers.add(name: .cookie, value: (person.cookies["login.test"] ?? [:]).map { "\($0)=\($1)" }.joined(separator: "; "))
                headers.add(name: "X-CSRF-Token", value: csrf)
                headers.add(name: .contentType, value: "application/json")
                let own = TestingHTTPRequest(method: .POST, url: URI(string: "/api/me/delete"), headers: headers,
                                             body: ByteBuffer(string: #"{"confirmation": "DELETE"}"#))
                let app = world.server
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    group.addTask { try await Self.admin(app, .DELETE, "/api/admin/users/\(userID)").status }
                    group.addTask { Int(try await app.testing().performTest(request: own).status.code) }
                    return try await group.reduce(into: []) { $0.append($1) }.sorted()
                }
                // One deletes (200 for the admin, 204 for the person); the other is told the account is gone
                // (404 for the admin, 401 for the person).
                #expect(statuses == [200, 401] || statuses == [204, 404], "\(statuses)")
                #expect(try await Self.count(world, """
                    SELECT COUNT(*) AS n FROM events WHERE type = 'user.deleted' AND user_id = \(bind: userID)
                    """) == 1)
            }
        }
    }

    // MARK: The rules

    @Test func theConfirmationAndTheFreshnessRules() throws {
        #expect(AccountDeletion.confirms("注销") && AccountDeletion.confirms(" DELETE ") && AccountDeletion.confirms("delete"))
        #expect(!AccountDeletion.confirms(nil) && !AccountDeletion.confirms("") && !AccountDeletion.confirms("yes"))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(AccountDeletion.isFresh(signedInAt: now.addingTimeInterval(-300), now: now, window: 300))
        #expect(!AccountDeletion.isFresh(signedInAt: now.addingTimeInterval(-301), now: now, window: 300))
        #expect(LoginServerConfiguration(tokenKey: .init(id: "t", key: .init(size: .bits256))).accountDeleteReauth == 300)
        let parsed = try LoginServerConfiguration.fromEnvironment(["ACCOUNT_DELETE_REAUTH_SECONDS": "120"], sandbox: true)
        #expect(parsed.accountDeleteReauth == 120)
        #expect(throws: LoginServerConfiguration.EnvironmentError.self) { try LoginServerConfiguration.fromEnvironment(["ACCOUNT_DELETE_REAUTH_SECONDS": "0"], sandbox: true) }
    }
}
