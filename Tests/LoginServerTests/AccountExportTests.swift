import Fluent
import Foundation
import SQLKit
import Testing
import WeChatKit
@testable import LoginServer

/// "Download my data": `GET /api/me/export` and the account page's button, checked against the rows the database
/// holds, for secrets that must not leak and for other people's data that must not appear.
@Suite(.serialized) struct AccountExportTests {
    /// An account with a website and an official-account identity (joined by unionid), two template messages and
    /// provider tokens at one app; and a second person with their own of each.
    private struct Fixture {
        let person: Browser
        let other: Browser
        let userID: UUID
        let otherID: UUID
        let client: TestRelyingParty
        /// Every token value handed out in the fixture (refresh tokens in clear, access token ids).
        let tokens: [String]
    }

    private func fixture(_ world: LoginWorld) async throws -> Fixture {
        let person = world.browser()
        _ = try await person.pcLogin(as: "u1")
        _ = try await person.bind(contact: "13800138000")
        let phone = world.browser(userAgent: Browser.weChatUserAgent)
        _ = try await phone.weChatLogin(as: "u1")
        let other = world.browser()
        _ = try await other.pcLogin(as: "u2")
        _ = try await other.bind(contact: "someone@example.com")
        let db = world.server.db
        let userID = try #require(try await User.query(on: db).filter(\.$phone == "13800138000").first()?.requireID())
        let otherID = try #require(try await User.query(on: db).filter(\.$email == "someone@example.com").first()?.requireID())
        #expect(try await WeChatIdentity.query(on: db).filter(\.$user.$id == userID).count() == 2)

        let queue = TemplateMessageQueue(database: db, clock: world.clock)
        for (user, appKind) in [(userID, "officialAccount"), (userID, "officialAccount"), (otherID, "website")] {
            let identity = try #require(try await WeChatIdentity.query(on: db).filter(\.$user.$id == user)
                .filter(\.$appKind == appKind).first())
            _ = try await queue.enqueue(.init(
                appID: identity.appID, userID: user,
                message: TemplateMessage(toUser: identity.openID, templateID: "tpl-order",
                                         url: "https://shop.example.com/orders/\(user)",
                                         data: [.init("first", "订单已发货"), .init("keyword1", "42", color: "#173177")]),
                idempotencyKey: nil, batchID: nil))
            world.clock.advance(by: 1)
        }
        // One of the person's messages went out, the other failed; both final, so the world's worker leaves them.
        let rows = try await TemplateMessageRecord.query(on: db).sort(\.$createdAt).all()
        for (index, row) in rows.enumerated() {
            row.claimedBy = nil
            row.claimExpiresAt = nil
            row.attempts = 1
            if index == 0 {
                row.status = TemplateMessageStatus.sent.rawValue
                row.msgID = 987_654
                row.sentAt = world.clock.now()
            } else {
                row.status = TemplateMessageStatus.failed.rawValue
                row.errcode = 43004
                row.reason = "require subscribe"
                row.finishedAt = world.clock.now()
            }
            try await row.save(on: db)
        }

        // Pushes: the person followed and wrote to the official account; someone else wrote too.
        let officialAccount = try #require(try await WeChatIdentity.query(on: db).filter(\.$user.$id == userID)
            .filter(\.$appKind == "officialAccount").first())
        let pushes = InboundEventStore(database: db)
        for (openID, kind, content) in [(officialAccount.openID, "event", nil), (officialAccount.openID, "text", "你好，我想改地址"),
                                        ("o-stranger", "text", "别人的消息")] as [(String, String, String?)] {
            var fields = ["ToUserName": "gh_test", "FromUserName": openID, "MsgType": kind,
                          "CreateTime": "\(Int(world.clock.now().timeIntervalSince1970))"]
            if kind == "event" { fields["Event"] = "subscribe" }
            fields["Content"] = content
            _ = try await pushes.insert(.init(
                dedupKey: "test:\(UUID())", appID: officialAccount.appID, openID: openID, msgType: kind,
                event: fields["Event"], fields: String(decoding: try JSONEncoder().encode(fields), as: UTF8.self),
                createTime: Int64(world.clock.now().timeIntervalSince1970), msgID: nil, receivedAt: world.clock.now()))
            world.clock.advance(by: 1)
        }

        let client = try await TestRelyingParty.register(world)
        var tokens: [String] = []
        for user in [userID, otherID] {
            let family = OIDCRefreshTokenStore.Family(
                grantID: "grant-\(UUID().uuidString)", clientID: client.clientID, userID: user,
                scope: "openid profile phone", authTime: world.clock.now(),
                familyExpiresAt: world.clock.now().addingTimeInterval(86_400 * 30))
            tokens.append(try await OIDCRefreshTokenStore(database: db)
                .insert(family, now: world.clock.now(), expiresAt: world.clock.now().addingTimeInterval(86_400)))
            let jti = "jti-\(UUID().uuidString)"
            try await OIDCAccessTokenStore(database: db).insert(
                jti: jti, grantID: family.grantID, clientID: client.clientID, userID: user, scope: "openid profile",
                now: world.clock.now(), expiresAt: world.clock.now().addingTimeInterval(600))
            tokens.append(jti)
        }
        return Fixture(person: person, other: other, userID: userID, otherID: otherID, client: client, tokens: tokens)
    }

    private func iso(_ date: Date?) -> String? { date?.formatted(.iso8601) }

    @Test func theExportHoldsWhatTheDatabaseHoldsAboutThePersonAndNothingElse() async throws {
        try await LoginWorld.with { world in
            let f = try await fixture(world)
            let db = world.server.db
            let answer = try await f.person.get("\(LoginWorld.serverBase)/api/me/export")
            #expect(answer.status == 200)
            #expect(answer.headers.first(name: .contentType)?.hasPrefix("application/json") == true)
            #expect(answer.headers.first(name: .cacheControl) == "no-store")
            let disposition = try #require(answer.headers.first(name: .contentDisposition))
            #expect(disposition.hasPrefix("attachment; filename=") && disposition.hasSuffix(".json\""), "\(disposition)")
            let json = answer.json
            #expect(json["format"] as? String == "wechat-login.export/1")
            #expect(json["exported_at"] as? String == iso(world.clock.now()))

            // The user row, field by field.
            let user = try #require(try await User.find(f.userID, on: db))
            let exportedUser = try #require(json["user"] as? [String: Any])
            #expect(exportedUser["id"] as? String == f.userID.uuidString)
            #expect(exportedUser["phone"] as? String == user.phone && user.phone == "13800138000")
            #expect(exportedUser["email"] as? String == user.email)
            #expect(exportedUser["name"] as? String == user.displayName)
            #expect(exportedUser["external_id"] as? String == user.externalID)
            #expect(exportedUser["created_at"] as? String == iso(user.createdAt))
            #expect(exportedUser["updated_at"] as? String == iso(user.updatedAt))

            // Both identities, field by field.
            let rows = try await WeChatIdentity.query(on: db).filter(\.$user.$id == f.userID).all()
            let identities = try #require(json["identities"] as? [[String: Any]])
            #expect(identities.count == 2)
            #expect(Set(identities.compactMap { $0["app_kind"] as? String }) == ["officialAccount", "website"])
            for row in rows {
                let exported = try #require(identities.first { $0["id"] as? String == row.id?.uuidString })
                #expect(exported["appid"] as? String == row.appID)
                #expect(exported["app_kind"] as? String == row.appKind)
                #expect(exported["openid"] as? String == row.openID)
                #expect(exported["unionid"] as? String == row.unionID && row.unionID != nil)
                #expect(exported["nickname"] as? String == row.nickname)
                #expect(exported["avatar_url"] as? String == row.avatarURL)
                #expect(exported["scopes"] as? [String] == row.scopes.split(separator: ",").map(String.init))
                #expect(exported["is_snapshot_user"] as? Bool == row.isSnapshotUser)
                #expect(exported["following"] as? Bool == row.following)
                #expect(exported["needs_reauthorization"] as? Bool == row.needsReauthorization)
                #expect(exported["holds_wechat_tokens"] as? Bool == (row.accessTokenSealed != nil || row.refreshTokenSealed != nil))
                #expect(exported["access_token_expires_at"] as? String == iso(row.accessTokenExpiresAt))
                #expect(exported["refresh_token_expires_at"] as? String == iso(row.refreshTokenExpiresAt))
                #expect(exported["last_sign_in_at"] as? String == iso(row.lastLoginAt))
                #expect(exported["created_at"] as? String == iso(row.createdAt))
                #expect(exported["updated_at"] as? String == iso(row.updatedAt))
            }

            // The current session.
            let sessions = try #require(json["sessions"] as? [[String: Any]])
            #expect(sessions.count == 1)
            #expect(sessions.first?["current"] as? Bool == true)
            let cookie = try #require(f.person.cookies["login.test"]?.first { $0.key.hasSuffix("wl_session") }?.value)
            let session = try #require(try await db.sql().raw("""
                SELECT created_at, expires_at FROM login_sessions WHERE id_hash = \(bind: LoginSessionStore.hash(cookie))
                """).first())
            #expect(sessions.first?["created_at"] as? String == iso(try session.decode(column: "created_at", as: Date.self)))
            #expect(sessions.first?["expires_at"] as? String == iso(try session.decode(column: "expires_at", as: Date.self)))

            // The app, from both token tables.
            let apps = try #require(json["apps"] as? [[String: Any]])
            #expect(apps.count == 1)
            let app = try #require(apps.first)
            #expect(app["client_id"] as? String == f.client.clientID)
            #expect(app["client_name"] as? String == "Shop")
            #expect(app["scopes"] as? [String] == ["openid", "phone", "profile"])
            let issued = try #require(try await db.sql().raw("""
                SELECT created_at FROM oidc_refresh_tokens WHERE user_id = \(bind: f.userID)
                """).first()).decode(column: "created_at", as: Date.self)
            #expect(app["first_issued_at"] as? String == iso(issued))
            #expect(app["last_issued_at"] as? String == iso(issued))
            #expect(app["active_refresh_families"] as? Int == 1)
            #expect(app["active_access_tokens"] as? Int == 1)

            // Template messages, newest first, field by field.
            let messageRows = try await TemplateMessageRecord.query(on: db).filter(\.$user.$id == f.userID)
                .sort(\.$createdAt, .descending).all()
            let messages = try #require(json["template_messages"] as? [[String: Any]])
            #expect(messages.count == 2)
            #expect(messages.map { $0["id"] as? String } == messageRows.map { $0.id?.uuidString })
            for (exported, row) in zip(messages, messageRows) {
                let body = try JSONDecoder().decode(TemplateMessage.self, from: Data(row.payload.utf8))
                #expect(exported["appid"] as? String == row.appID)
                #expect(exported["openid"] as? String == row.openID)
                #expect(exported["template_id"] as? String == row.templateID)
                #expect(exported["url"] as? String == body.url)
                let data = try #require(exported["data"] as? [[String: String]])
                #expect(data == body.data.map { field in
                    var item = ["key": field.key, "value": field.value]
                    item["color"] = field.color
                    return item
                })
                #expect(exported["status"] as? String == row.status)
                #expect(exported["attempts"] as? Int == row.attempts)
                #expect((exported["msgid"] as? NSNumber)?.int64Value == row.msgID)
                #expect(exported["errcode"] as? Int == row.errcode)
                #expect(exported["reason"] as? String == row.reason)
                #expect(exported["created_at"] as? String == iso(row.createdAt))
                #expect(exported["sent_at"] as? String == iso(row.sentAt))
                #expect(exported["finished_at"] as? String == iso(row.finishedAt))
            }
            #expect(messages.contains { $0["status"] as? String == "sent" && ($0["msgid"] as? Int) == 987_654 })

            // WeChat's pushes about the person's identities, newest first, field by field.
            let pushRows = try await db.sql().raw("""
                SELECT app_id, openid, msg_type, event, fields, create_time, received_at FROM inbound_events
                WHERE openid IN (\(SQLList(rows.map { SQLBind($0.openID) }))) ORDER BY received_at DESC
                """).all()
            let pushes = try #require(json["wechat_pushes"] as? [[String: Any]])
            #expect(pushes.count == 2 && pushRows.count == 2)
            for (exported, row) in zip(pushes, pushRows) {
                #expect(exported["appid"] as? String == (try row.decode(column: "app_id", as: String.self)))
                #expect(exported["openid"] as? String == (try row.decode(column: "openid", as: String.self)))
                #expect(exported["msg_type"] as? String == (try row.decode(column: "msg_type", as: String.self)))
                #expect(exported["event"] as? String == (try row.decode(column: "event", as: String?.self)))
                #expect((exported["fields"] as? [String: String]) == (try JSONDecoder().decode(
                    [String: String].self, from: Data(try row.decode(column: "fields", as: String.self).utf8))))
                #expect((exported["create_time"] as? NSNumber)?.int64Value == (try row.decode(column: "create_time", as: Int64.self)))
                #expect(exported["received_at"] as? String == iso(try row.decode(column: "received_at", as: Date?.self)))
            }
            #expect(pushes.first?["fields"].flatMap { ($0 as? [String: String])?["Content"] } == "你好，我想改地址")
            #expect(!answer.body.contains("o-stranger") && !answer.body.contains("别人的消息"))

            // The person's audit trail, exactly the rows the log holds for them (the export's own event included).
            let eventIDs = try await db.sql().raw("SELECT id FROM events WHERE user_id = \(bind: f.userID) ORDER BY id DESC")
                .all().map { String(try $0.decode(column: "id", as: Int64.self)) }
            let events = try #require(json["events"] as? [[String: Any]])
            #expect(events.map { $0["id"] as? String } == eventIDs)
            #expect(events.first?["type"] as? String == "account.exported")
            #expect((events.first?["actor"] as? [String: Any])?["kind"] as? String == "person")
            #expect(events.allSatisfy { $0["userID"] as? String == f.userID.uuidString })
            #expect(events.contains { $0["type"] as? String == "identity.bound" })
            #expect((json["truncated"] as? [String: Bool]) == ["events": false, "template_messages": false,
                                                               "wechat_pushes": false])

            // Nobody else's data: the second person's ids, address, openids, messages.
            #expect(!answer.body.contains(f.otherID.uuidString))
            #expect(!answer.body.contains("someone@example.com"))
            for identity in try await WeChatIdentity.query(on: db).filter(\.$user.$id == f.otherID).all() {
                #expect(!answer.body.contains(identity.openID))
            }
            for message in try await TemplateMessageRecord.query(on: db).filter(\.$user.$id == f.otherID).all() {
                #expect(!answer.body.contains(try message.requireID().uuidString))
            }

            // No secret: no token value, hash or sealed token, no session id or hash, no code hash, no client secret.
            var secrets = f.tokens
            secrets += try await db.sql().raw("SELECT token_hash FROM oidc_refresh_tokens").all()
                .map { try $0.decode(column: "token_hash", as: String.self) }
            secrets += try await db.sql().raw("SELECT id_hash FROM login_sessions").all()
                .map { try $0.decode(column: "id_hash", as: String.self) }
            secrets += try await db.sql().raw("SELECT code_hash FROM bind_challenges").all()
                .map { try $0.decode(column: "code_hash", as: String.self) }
            for identity in try await WeChatIdentity.query(on: db).all() {
                secrets += [identity.accessTokenSealed, identity.refreshTokenSealed].compactMap { $0 }
            }
            secrets += (f.person.cookies["login.test"] ?? [:]).values
            secrets += [f.client.secret].compactMap { $0 }
            #expect(secrets.count >= 10, "the fixture holds secrets to look for")
            for secret in secrets {
                #expect(!answer.body.contains(secret), "a secret leaked into the export")
            }

            // The export is recorded.
            let recorded = try await db.sql().raw("""
                SELECT COUNT(*) AS n FROM events WHERE type = 'account.exported' AND user_id = \(bind: f.userID)
                """).first()?.decode(column: "n", as: Int.self)
            #expect(recorded == 1)
        }
    }

    @Test func withoutASessionTheExportIs401JSON() async throws {
        try await LoginWorld.with { world in
            let answer = try await world.browser().get("\(LoginWorld.serverBase)/api/me/export")
            #expect(answer.status == 401)
            #expect(answer.json["error"] as? Bool == true)
            #expect(answer.json["reason"] as? String != nil)
            let recorded = try await world.server.db.sql().raw(
                "SELECT COUNT(*) AS n FROM events WHERE type = 'account.exported'").first()?.decode(column: "n", as: Int.self)
            #expect(recorded == 0)
        }
    }

    @Test func historiesAreCappedAndSayTheyWereCut() async throws {
        try await LoginWorld.with { world in
            let f = try await fixture(world)
            let user = try #require(try await User.find(f.userID, on: world.server.db))
            let exporter = AccountExporter(database: world.server.db, clock: world.clock, limit: 1)
            let document = try await exporter.export(user, session: nil, actor: EventActor(kind: .person, address: nil))
            #expect(document.events.count == 1 && document.events.first?.type == "account.exported")
            #expect(document.templateMessages.count == 1)
            #expect(document.wechatPushes.count == 1 && document.wechatPushes.first?.fields["Content"] == "你好，我想改地址")
            #expect(document.truncated.events && document.truncated.templateMessages && document.truncated.wechatPushes)
            #expect(document.limits.events == 1)
            #expect(document.sessions.isEmpty)
        }
    }

    @Test func theAccountPageOffersTheDownloadBehindItsCSRFToken() async throws {
        try await LoginWorld.with { world in
            let f = try await fixture(world)
            let page = try await f.person.get("\(LoginWorld.serverBase)/account")
            #expect(page.body.contains("下载我的数据"))
            let english = try await f.person.get("\(LoginWorld.serverBase)/account?lang=en")
            #expect(english.body.contains("Download my data"))
            let forged = try await f.person.post("\(LoginWorld.serverBase)/account/export", form: [("csrf", "forged")])
            #expect(forged.status == 403)
            let csrf = try #require(page.input("csrf"))
            let download = try await f.person.post("\(LoginWorld.serverBase)/account/export", form: [("csrf", csrf)])
            #expect(download.status == 200)
            #expect(download.headers.first(name: .contentDisposition)?.hasPrefix("attachment;") == true)
            #expect(download.headers.first(name: .cacheControl) == "no-store")
            #expect((download.json["user"] as? [String: Any])?["id"] as? String == f.userID.uuidString)
            _ = f.other
        }
    }
}
