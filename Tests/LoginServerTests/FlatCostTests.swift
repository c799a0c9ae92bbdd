import Fluent
import Foundation
import SQLKit
import Testing
@testable import LoginServer

/// Issue 17: retention keeps the growing tables bounded, and the statements on the hot paths and in the sweeps walk
/// an index instead of a table (checked in the plans, on SQLite and, with `TEST_DATABASE_URL`, on PostgreSQL).
@Suite(.serialized) struct FlatCostTests {
    // MARK: Retention

    /// A template-message row for `userID`, `status`, finished (or sent, for `sent`) `age` seconds ago.
    static func insertMessage(_ world: LoginWorld, userID: UUID?, status: TemplateMessageStatus, age: TimeInterval) async throws {
        let at = world.clock.now().addingTimeInterval(-age)
        let id = UUID()
        let finished: Date? = [.delivered, .blocked, .failed].contains(status) ? at : nil
        let sent: Date? = [.sent, .delivered, .blocked].contains(status) ? at : nil
        try await world.server.db.sql().raw("""
            INSERT INTO template_messages (id, app_id, user_id, openid, template_id, payload, client_msg_id, status,
                attempts, next_attempt_at, created_at, updated_at, sent_at, finished_at)
            VALUES (\(bind: id), 'wx-test', \(bind: userID), 'o-test', 't', '{}', \(bind: id.uuidString), \(bind: status.rawValue),
                1, \(bind: at), \(bind: at), \(bind: at), \(bind: sent), \(bind: finished))
            """).run()
    }

    @Test func finishedMessagesGoAfterTheirRetentionAndTheDeliveredCountSurvivesForTheDeletion() async throws {
        try await LoginWorld.with(adjust: AccountDeletionTests.adjust) { world in
            let person = world.browser()
            _ = try await person.pcLogin(as: "u1")
            _ = try await person.bind(contact: "13800138777")
            let userID = try #require(try await AccountDeletionTests.userID(world, phone: "13800138777"))
            let day = 86_400.0
            for _ in 0..<3 { try await Self.insertMessage(world, userID: userID, status: .delivered, age: 91 * day) }
            try await Self.insertMessage(world, userID: userID, status: .failed, age: 91 * day)
            try await Self.insertMessage(world, userID: userID, status: .sent, age: 91 * day)  // its report never came
            try await Self.insertMessage(world, userID: nil, status: .delivered, age: 91 * day)  // a deleted person's
            try await Self.insertMessage(world, userID: userID, status: .delivered, age: 89 * day)
            try await Self.insertMessage(world, userID: userID, status: .queued, age: 200 * day)  // never finished

            var retention = RetentionConfiguration()
            retention.batch = 2  // several batches, each its own transaction
            let sweeper = RetentionSweeper(database: world.server.db, clock: world.clock, retention: retention)
            #expect(try await sweeper.sweep().templateMessages == 6)
            let left = try await world.server.db.sql().raw("SELECT status FROM template_messages ORDER BY status").all()
                .map { try $0.decode(column: "status", as: String.self) }
            #expect(left == ["delivered", "queued"], "the recent one and the unfinished one stay")
            #expect(try await TemplateMessageQueue.sweptDelivered(to: userID, on: world.server.db) == 3)
            #expect(try await sweeper.sweep().templateMessages == 0, "a second sweep finds nothing")

            let answer = try await AccountDeletionTests.admin(world.server, .DELETE, "/api/admin/users/\(userID)")
            #expect(answer.status == 200, "\(answer.body)")
            #expect(answer.json["delivered_messages"] as? Int == 4, "three swept and one kept")
            #expect(try await world.count(table: TemplateMessageQueue.talliesTable) == 0, "the tally went with the person")
        }
    }

    @Test func nonceRelayAndPushRetentionFollowTheSettings() async throws {
        try await LoginWorld.with { world in
            let db = world.server.db
            let now = world.clock.now()
            for (nonce, age) in [("old", 601.0), ("new", 10.0)] {
                _ = try await DatabaseNonceStore.insert(
                    [.init(nonce: nonce, timestamp: Int64(now.timeIntervalSince1970), seenAt: now.addingTimeInterval(-age))], on: db)
            }
            let relays = PushRelayStore(database: db)
            #expect(try await relays.claim(key: "old", at: now.addingTimeInterval(-3 * 3600)))
            #expect(try await relays.claim(key: "new", at: now.addingTimeInterval(-3600)))
            let pushes = InboundEventStore(database: db)
            for (key, age) in [("old", 8.0 * 86_400), ("new", 6.0 * 86_400)] {
                let at = now.addingTimeInterval(-age)
                _ = try await pushes.insert(.init(
                    dedupKey: key, appID: "wx-test", openID: "o-\(key)", msgType: "text", event: nil, fields: "{}",
                    createTime: Int64(at.timeIntervalSince1970), msgID: nil, receivedAt: at))
            }
            var retention = RetentionConfiguration()
            retention.pushRelays = 2 * 3600
            retention.inboundEvents = 7 * 86_400
            // (The application's own sweep may run first, with the default settings; either way what is left is the same.)
            _ = try await RetentionSweeper(database: db, clock: world.clock, retention: retention).sweep()
            let nonces = try await db.sql().raw("SELECT nonce FROM push_nonces").all()
                .map { try $0.decode(column: "nonce", as: String.self) }
            #expect(nonces == ["new"], "the pair past the window goes with the periodic sweep, not only 1 push in 64")
            let left = try await db.sql().raw("SELECT dedup_key FROM inbound_events").all()
                .map { try $0.decode(column: "dedup_key", as: String.self) }
            #expect(left == ["new"], "pushes follow INBOUND_EVENT_RETENTION_DAYS")
            #expect(try await relays.find(key: "new") != nil)
            #expect(try await relays.find(key: "old") == nil)
        }
    }

    @Test func theRetentionSettingsAreReadFromTheEnvironment() throws {
        let base = ["TOKEN_ENCRYPTION_KEY": "k1:" + Data(repeating: 7, count: 32).base64EncodedString()]
        let read = try LoginServerConfiguration.fromEnvironment(base.merging([
            "TEMPLATE_MESSAGE_RETENTION_DAYS": "30", "INBOUND_EVENT_RETENTION_DAYS": "7", "PUSH_RELAY_RETENTION_HOURS": "2",
        ]) { $1 }, sandbox: true)
        #expect(read.retention.templateMessages == 30 * 86_400)
        #expect(read.retention.inboundEvents == 7 * 86_400)
        #expect(read.retention.pushRelays == 2 * 3600)
        #expect(try LoginServerConfiguration.fromEnvironment(base, sandbox: true).retention == RetentionConfiguration())
        for (name, bad) in [("TEMPLATE_MESSAGE_RETENTION_DAYS", "0"), ("INBOUND_EVENT_RETENTION_DAYS", "x"),
                            ("PUSH_RELAY_RETENTION_HOURS", "9000")] {
            #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
                try LoginServerConfiguration.fromEnvironment(base.merging([name: bad]) { $1 }, sandbox: true)
            }
        }
    }

    @Test func queueGaugesCountInFlightRowsAtEachScrapeAndSettledOnesOnceAMinute() async throws {
        try await LoginWorld.with { world in
            let gauges = QueueDepthGauges(clock: world.clock)
            let queue = TemplateMessageQueue(database: world.server.db, clock: world.clock)
            try await Self.insertMessage(world, userID: nil, status: .delivered, age: 10)
            #expect(try await gauges.messages(queue)[.delivered] == 1)
            try await Self.insertMessage(world, userID: nil, status: .delivered, age: 5)
            try await Self.insertMessage(world, userID: nil, status: .queued, age: 5)
            let cached = try await gauges.messages(queue)
            #expect(cached[.queued] == 1, "in flight: counted at every scrape")
            #expect(cached[.delivered] == 1, "settled: the count of a minute ago")
            world.clock.advance(by: 61)
            #expect(try await gauges.messages(queue)[.delivered] == 2)
        }
    }

    // MARK: Plans

    /// The statements whose cost must not grow with their table, and the index each must use. The text mirrors the
    /// stores' statements (`CURRENT_TIMESTAMP` for the bound time).
    static let plans: [(index: String, statement: String)] = [
        ("push_nonces_seen_at", "SELECT id FROM push_nonces WHERE seen_at < CURRENT_TIMESTAMP ORDER BY seen_at LIMIT 1000"),
        ("push_relays_claimed_at", "SELECT id FROM push_relays WHERE claimed_at < CURRENT_TIMESTAMP ORDER BY claimed_at LIMIT 1000"),
        ("inbound_events_received_at", "SELECT id FROM inbound_events WHERE received_at < CURRENT_TIMESTAMP ORDER BY received_at LIMIT 1000"),
        ("template_messages_finished_at", "SELECT id FROM template_messages WHERE finished_at < CURRENT_TIMESTAMP ORDER BY finished_at LIMIT 1000"),
        ("template_messages_sent_at", "SELECT id FROM template_messages INDEXED_BY_SENT_AT WHERE status = 'sent' AND sent_at < CURRENT_TIMESTAMP ORDER BY sent_at LIMIT 1000"),
        // The metrics' in-flight gauges.
        ("template_messages_due", "SELECT status, COUNT(*) AS n FROM template_messages WHERE status IN ('queued', 'sending', 'sent') GROUP BY status"),
        ("webhook_deliveries_due", "SELECT status, COUNT(*) AS n FROM webhook_deliveries WHERE status IN ('pending', 'sending') GROUP BY status"),
        // The worker's claim, and delivery reports by msgid (either order of report and send).
        ("template_messages_due", "SELECT id FROM template_messages WHERE status = 'queued' AND next_attempt_at <= CURRENT_TIMESTAMP ORDER BY next_attempt_at LIMIT 64"),
        ("template_messages_msg_id", "SELECT id FROM template_messages WHERE app_id = 'wx' AND msg_id IN (1, 2) AND status = 'sent'"),
        ("inbound_events_msg_id", "SELECT msg_id FROM inbound_events WHERE app_id = 'wx' AND msg_id IN (1, 2)"),
        // The identity lookup at sign-in (the unique key), and the events' side of the webhook fan-out
        // (`INSERT … SELECT`: the events just appended, by primary key; the endpoints are the deployment's few).
        (anyIndex, "SELECT id FROM wechat_identities WHERE app_id = 'wx' AND openid = 'o'"),
        // A campaign's recipients, resolved together (`TemplateRecipients`).
        (anyIndex, "SELECT openid, user_id FROM wechat_identities WHERE app_id = 'wx' AND openid IN ('o1', 'o2')"),
        (anyIndex, "SELECT user_id, app_id, openid FROM wechat_identities WHERE user_id IN ('7d5e4f3a-0000-4000-8000-000000000001', '7d5e4f3a-0000-4000-8000-000000000002')"),
        (anyIndex, "SELECT id, external_id FROM users WHERE external_id IN ('e1', 'e2')"),
        (anyIndex, "SELECT id FROM users WHERE id IN ('7d5e4f3a-0000-4000-8000-000000000001', '7d5e4f3a-0000-4000-8000-000000000002')"),
        (anyIndex, """
            SELECT w.id, e.id FROM events e JOIN webhook_endpoints w
              ON w.enabled = true AND (w.event_types = '*' OR w.event_types LIKE '%,' || e.type || ',%')
            WHERE e.id IN (1, 2)
            """),
    ]

    /// For a lookup on a key whose index Fluent named (a unique constraint, a primary key).
    static let anyIndex = "*"

    @Test func hotPathsAndSweepsWalkAnIndex() async throws {
        try await LoginWorld.with { world in
            let sql = try world.server.db.sql()
            for (index, statement) in Self.plans {
                let plan: String
                if sql.dialect.name == "sqlite" {
                    let statement = statement.replacingOccurrences(of: "INDEXED_BY_SENT_AT", with: "INDEXED BY template_messages_sent_at")
                    plan = try await sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: statement)").all()
                        .map { try $0.decode(column: "detail", as: String.self) }.joined(separator: "\n")
                    let uses = index == Self.anyIndex
                        ? plan.contains("USING INDEX") || plan.contains("USING COVERING INDEX") || plan.contains("USING INTEGER PRIMARY KEY")
                        : plan.contains("USING INDEX \(index)") || plan.contains("USING COVERING INDEX \(index)")
                    #expect(uses, "\(statement)\n\(plan)")
                } else {
                    // An empty table's cheapest plan is a scan (or a bitmap scan and a sort of its few rows): forbid
                    // them, as a large table's statistics would, so the plan shows whether an index serves the
                    // statement in order (a sort that cannot be avoided still shows).
                    plan = try await world.server.db.transaction { tx in
                        for setting in ["enable_seqscan", "enable_bitmapscan", "enable_sort"] {
                            try await tx.sql().raw("SET LOCAL \(unsafeRaw: setting) = off").run()
                        }
                        let statement = statement.replacingOccurrences(of: "INDEXED_BY_SENT_AT", with: "")
                        return try await tx.sql().raw("EXPLAIN \(unsafeRaw: statement)").all()
                            .map { try $0.decode(column: "QUERY PLAN", as: String.self) }.joined(separator: "\n")
                    }
                    #expect(plan.contains(index == Self.anyIndex ? "Index" : index), "\(statement)\n\(plan)")
                }
                #expect(!plan.contains("USE TEMP B-TREE") && !plan.contains("Sort"), "no sort that grows: \(statement)\n\(plan)")
            }
        }
    }
}
