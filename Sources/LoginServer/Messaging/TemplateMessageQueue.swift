import Fluent
import FluentPostgresDriver
import Foundation
import Logging
import SQLKit
import WeChatKit

/// The durable template-message queue on the server's database: enqueue, claim, and record what happened.
///
/// Claims are one statement (`UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING`), with `FOR UPDATE SKIP LOCKED`
/// on PostgreSQL so workers on many instances take disjoint rows without waiting on each other; SQLite has one
/// writer at a time, which gives the same guarantee. A claim is a lease: a row whose worker died returns to the
/// queue when the lease ends, and is re-sent with the same `client_msg_id`, which WeChat drops as a duplicate.
///
/// It is the one way to `template_messages`. The send path (claim, record, delivery reports) is SQL text; enqueueing
/// and single reads are Fluent.
struct TemplateMessageQueue: Sendable {
    let database: any Database
    let clock: any ServerClock
    /// The application's batcher for delivery reports; a queue built without one (tests, tools) gets its own.
    let deliveryReports: StatementBatcher<DeliveryReport, Bool>

    init(database: any Database, clock: any ServerClock,
         deliveryReports: StatementBatcher<DeliveryReport, Bool>? = nil) {
        self.database = database
        self.clock = clock
        self.deliveryReports = deliveryReports ?? Self.deliveryReportBatcher(on: database)
    }

    /// A row a worker claimed: what to send, and how often it was tried (this attempt included).
    struct Claimed: Sendable {
        let id: UUID
        let message: TemplateMessage
        let attempts: Int
    }

    /// What became of one attempt.
    enum Outcome: Sendable, Equatable {
        /// WeChat accepted it.
        case sent(msgID: Int64)
        /// Try again at `at`; `errcode`/`reason` say why it waits.
        case retry(at: Date, errcode: Int?, reason: String)
        /// Final failure.
        case failed(errcode: Int?, reason: String)
    }

    /// A new message, ready to insert.
    struct NewMessage: Sendable {
        var appID: String
        var userID: UUID?
        var message: TemplateMessage
        var idempotencyKey: String?
        var batchID: UUID?
    }

    // MARK: Enqueueing

    /// Inserts `new` as `queued`, due now; with an idempotency key already used for the same recipient, returns the
    /// existing row instead (`created` false). `client_msg_id` is the idempotency key, or the row's id.
    ///
    /// A batch of one (``enqueue(batch:)``), so a single message and a campaign are written by the same statement
    /// and meet a concurrent repeat of their key the same way. Not inside a write transaction of the caller's:
    /// it opens its own.
    func enqueue(_ new: NewMessage) async throws -> (record: TemplateMessageRecord, created: Bool) {
        let queued = try await enqueue(batch: [new])[0]
        guard let record = try await find(queued.id) else { throw MessageVanished(id: queued.id) }
        return (record, queued.created)
    }

    /// A message just queued was gone when read back (deleted in between): never expected.
    struct MessageVanished: Error, CustomStringConvertible {
        let id: UUID
        var description: String { "template message \(id.uuidString.lowercased()) was gone when read back" }
    }

    // MARK: Claiming

    /// Claims up to `limit` due messages for `worker` until `lease` from now: first rows whose earlier claim
    /// expired (their worker died mid-send), then queued rows in the order they fell due.
    ///
    /// Each kind is its own statement so each walks its index (`status`, then the time) in order instead of
    /// sorting every match: with a long queue, one query with an `OR` made each claim cost the queue's length.
    func claim(worker: String, limit: Int, lease: TimeInterval) async throws -> [Claimed] {
        let now = clock.now()
        var claimed = try await claim(
            "status = 'sending' AND claim_expires_at < \(bind: now)", order: "claim_expires_at",
            worker: worker, limit: limit, lease: lease, now: now)
        if claimed.count < limit {
            claimed += try await claim(
                "status = 'queued' AND next_attempt_at <= \(bind: now)", order: "next_attempt_at",
                worker: worker, limit: limit - claimed.count, lease: lease, now: now)
        }
        return claimed
    }

    private func claim(_ due: SQLQueryString, order: String, worker: String, limit: Int, lease: TimeInterval,
                       now: Date) async throws -> [Claimed] {
        let sql = try database.sql()
        // A read first: an idle worker never takes SQLite's write lock (or PostgreSQL row locks) just to find
        // nothing to do.
        guard try await !sql.raw("SELECT id FROM template_messages WHERE \(due) LIMIT 1").all().isEmpty else {
            return []
        }
        let lock: SQLQueryString = database is any PostgresDatabase ? "FOR UPDATE SKIP LOCKED" : ""
        let rows = try await sql.raw("""
            UPDATE template_messages
            SET status = 'sending', claimed_by = \(bind: worker), claim_expires_at = \(bind: now.addingTimeInterval(lease)),
                attempts = attempts + 1, updated_at = \(bind: now)
            WHERE id IN (SELECT id FROM template_messages WHERE \(due) ORDER BY \(unsafeRaw: order) LIMIT \(bind: limit) \(lock))
            RETURNING id, payload, attempts
            """).all()
        return try rows.map(Self.claimed)
    }

    /// Claims one message by id if it is due (for `wechat-login push`, which sends the message it queued).
    func claim(id: UUID, worker: String, lease: TimeInterval) async throws -> Claimed? {
        let now = clock.now()
        let rows = try await database.sql().raw("""
            UPDATE template_messages
            SET status = 'sending', claimed_by = \(bind: worker), claim_expires_at = \(bind: now.addingTimeInterval(lease)),
                attempts = attempts + 1, updated_at = \(bind: now)
            WHERE id = \(bind: id)
              AND ((status = 'queued' AND next_attempt_at <= \(bind: now))
                   OR (status = 'sending' AND claim_expires_at < \(bind: now)))
            RETURNING id, payload, attempts
            """).all()
        return try rows.first.map(Self.claimed)
    }

    private static func claimed(_ row: any SQLRow) throws -> Claimed {
        let payload = try row.decode(column: "payload", as: String.self)
        return Claimed(
            id: try row.decode(column: "id", as: UUID.self),
            message: try JSONDecoder().decode(TemplateMessage.self, from: Data(payload.utf8)),
            attempts: try row.decode(column: "attempts", as: Int.self))
    }

    // MARK: Recording

    /// Records the outcome of `claimed`'s attempt, if `worker` still holds the claim. Returns false when the claim
    /// was lost (expired and taken over), in which case the other worker's result stands.
    @discardableResult
    func record(_ outcome: Outcome, for id: UUID, worker: String) async throws -> Bool {
        try await record([(id, outcome)], worker: worker).contains(id)
    }

    /// Records a retry or a final failure (a send is recorded with the batch's sends), if `worker` still holds the
    /// claim.
    private func recordUnsent(_ outcome: Outcome, for id: UUID, worker: String) async throws -> Bool {
        let now = clock.now()
        let set: SQLQueryString
        switch outcome {
        case .sent:
            preconditionFailure("sends are recorded together by record(_:worker:)")
        case .retry(let at, let errcode, let reason):
            set = """
                status = 'queued', next_attempt_at = \(bind: at), errcode = \(bind: errcode), reason = \(bind: reason)
                """
        case .failed(let errcode, let reason):
            set = """
                status = 'failed', errcode = \(bind: errcode), reason = \(bind: reason), finished_at = \(bind: now)
                """
        }
        let update: SQLQueryString = """
            UPDATE template_messages
            SET \(set), claimed_by = NULL, claim_expires_at = NULL, updated_at = \(bind: now)
            WHERE id = \(bind: id) AND status = 'sending' AND claimed_by = \(bind: worker)
            RETURNING id, app_id, openid, user_id
            """
        guard case .failed(let errcode, _) = outcome else {
            return try await !database.sql().raw(update).all().isEmpty
        }
        // A final failure commits with its `template_message.failed` event.
        return try await database.writeTransaction { tx in
            guard let row = try await tx.sql().raw(update).first() else { return false }
            try await EventLog(database: tx).append(Event(
                .templateMessageFailed, userID: try row.decode(column: "user_id", as: UUID?.self), actor: .system,
                payload: EventPayload(appID: try row.decode(column: "app_id", as: String.self),
                                      openID: try row.decode(column: "openid", as: String.self), messageID: id,
                                      status: "failed", errcode: errcode)), at: now)
            return true
        }
    }

    /// Records the outcomes of one batch of attempts, each only if `worker` still holds its claim; returns the ids
    /// whose outcome was recorded (the others' claims were lost, and the other worker's results stand).
    ///
    /// The sent ones — nearly all — are one `UPDATE … CASE id … RETURNING` and one look for delivery reports that
    /// overtook them, whatever the batch's size: a statement per message was most of a drain's database time.
    func record(_ outcomes: [(id: UUID, outcome: Outcome)], worker: String) async throws -> Set<UUID> {
        var recorded = Set<UUID>()
        var sent: [(id: UUID, msgID: Int64)] = []
        for (id, outcome) in outcomes {
            if case .sent(let msgID) = outcome {
                sent.append((id, msgID))
            } else if try await recordUnsent(outcome, for: id, worker: worker) {
                recorded.insert(id)
            }
        }
        guard !sent.isEmpty else { return recorded }
        let sql = try database.sql()
        let now = clock.now()
        let cases = SQLList(sent.map { SQLQueryString("WHEN \(bind: $0.id) THEN \(bind: $0.msgID)") }, separator: SQLRaw(" "))
        let ids = SQLList(sent.map { SQLBind($0.id) })
        let rows = try await sql.raw("""
            UPDATE template_messages
            SET status = 'sent', msg_id = CASE id \(cases) END, sent_at = \(bind: now), errcode = NULL, reason = NULL,
                claimed_by = NULL, claim_expires_at = NULL, updated_at = \(bind: now)
            WHERE id IN (\(ids)) AND status = 'sending' AND claimed_by = \(bind: worker)
            RETURNING id, app_id, msg_id
            """).all()
        var appOfMsgID: [Int64: String] = [:]
        for row in rows {
            recorded.insert(try row.decode(column: "id", as: UUID.self))
            appOfMsgID[try row.decode(column: "msg_id", as: Int64.self)] = try row.decode(column: "app_id", as: String.self)
        }
        // Delivery reports that arrived before their send was recorded (see PushRecorder): one look per app (a
        // batch is nearly always one app), on the (app_id, msg_id) index, and one statement to apply them.
        var early: [DeliveryReport] = []
        for (appID, msgIDs) in Dictionary(grouping: appOfMsgID.keys, by: { appOfMsgID[$0] ?? "" }) {
            for report in try await InboundEventStore.deliveryReports(appID: appID, msgIDs: msgIDs, on: database) {
                early.append(DeliveryReport(appID: appID, msgID: report.msgID, status: report.status, at: now))
            }
        }
        if !early.isEmpty { _ = try await Self.applyDeliveryReports(early, on: database) }
        return recorded
    }

    /// A TEMPLATESENDJOBFINISH report: WeChat's verdict on the message it gave `msgID`.
    struct DeliveryReport: Sendable {
        var appID: String
        var msgID: Int64
        var status: InboundMessage.TemplateSendStatus
        var at: Date
    }

    /// Applies one delivery report (through the application's batcher: a burst of reports is one statement); false
    /// when no sent message has its msgid yet (the send's recording then applies it).
    func apply(_ report: DeliveryReport) async throws -> Bool {
        try await deliveryReports.submit(report)
    }

    /// The application-wide batcher that applies delivery reports.
    static func deliveryReportBatcher(on database: any Database) -> StatementBatcher<DeliveryReport, Bool> {
        StatementBatcher(name: "delivery_reports") { try await applyDeliveryReports($0, on: database) }
    }

    /// Applies delivery reports to their sent messages — delivered, blocked or failed — with one
    /// `UPDATE … CASE msg_id …` per app (nearly always one). For each report, whether a sent message had its msgid:
    /// false when none has it yet (the report can overtake the recording of the send, which then applies it).
    private static func applyDeliveryReports(_ items: [DeliveryReport], on database: any Database) async throws -> [Bool] {
        var applied: Set<String> = []
        for (appID, reports) in Dictionary(grouping: items, by: \.appID) {
            var latest: [Int64: DeliveryReport] = [:]
            for report in reports { latest[report.msgID] = report }
            let now = reports.map(\.at).max() ?? Date()
            let status = SQLList(latest.values.map {
                SQLQueryString("WHEN \(bind: $0.msgID) THEN \(bind: finalStatus($0.status).rawValue)")
            }, separator: SQLRaw(" "))
            let delivery = SQLList(latest.values.map { SQLQueryString("WHEN \(bind: $0.msgID) THEN \(bind: $0.status.rawValue)") },
                                   separator: SQLRaw(" "))
            let refused = latest.values.filter { finalStatus($0.status) != .delivered }
            let reason: SQLQueryString = refused.isEmpty ? "reason" : """
                CASE msg_id \(SQLList(refused.map {
                    SQLQueryString("WHEN \(bind: $0.msgID) THEN \(bind: "WeChat reported the delivery as \($0.status.rawValue)")")
                }, separator: SQLRaw(" "))) ELSE reason END
                """
            let update: SQLQueryString = """
                UPDATE template_messages
                SET status = CASE msg_id \(status) END, delivery_status = CASE msg_id \(delivery) END, reason = \(reason),
                    finished_at = \(bind: now), updated_at = \(bind: now)
                WHERE app_id = \(bind: appID) AND msg_id IN (\(SQLList(latest.keys.map { SQLBind($0) }))) AND status = 'sent'
                RETURNING id, msg_id, openid, user_id, status, delivery_status
                """
            // The verdicts commit with their `template_message.delivered` / `.failed` events.
            let msgIDs = try await database.writeTransaction { tx in
                let rows = try await tx.sql().raw(update).all()
                var events: [Event] = []
                var msgIDs: [Int64] = []
                for row in rows {
                    let msgID = try row.decode(column: "msg_id", as: Int64.self)
                    msgIDs.append(msgID)
                    let delivered = try row.decode(column: "status", as: String.self) == TemplateMessageStatus.delivered.rawValue
                    events.append(Event(
                        delivered ? .templateMessageDelivered : .templateMessageFailed,
                        userID: try row.decode(column: "user_id", as: UUID?.self), actor: EventActor(kind: .wechat, address: nil),
                        payload: EventPayload(appID: appID, openID: try row.decode(column: "openid", as: String.self),
                                              messageID: try row.decode(column: "id", as: UUID.self), msgID: msgID,
                                              status: try row.decode(column: "delivery_status", as: String?.self))))
                }
                try await EventLog(database: tx).append(events, at: now)
                return msgIDs
            }
            for msgID in msgIDs { applied.insert("\(appID):\(msgID)") }
        }
        return items.map { applied.contains("\($0.appID):\($0.msgID)") }
    }

    /// Where a delivery report leaves its message.
    private static func finalStatus(_ status: InboundMessage.TemplateSendStatus) -> TemplateMessageStatus {
        switch status {
        case .success: .delivered
        case .userBlock: .blocked
        case .systemFailed, .other: .failed
        }
    }

    // MARK: Reading

    /// The message with this id.
    func find(_ id: UUID) async throws -> TemplateMessageRecord? {
        try await TemplateMessageRecord.find(id, on: database)
    }

    /// The user's messages, newest first, at most `limit` (the person's data export).
    func messages(ofUser userID: UUID, limit: Int) async throws -> [TemplateMessageRecord] {
        try await TemplateMessageRecord.query(on: database)
            .filter(\.$user.$id == userID)
            .sort(\.$createdAt, .descending).sort(\.$id, .descending)
            .limit(max(1, limit))
            .all()
    }

    /// Messages of these statuses, per status, on the `(status, next_attempt_at)` index: the cost is the rows
    /// counted, not the table's size (the metrics' in-flight gauges).
    func counts(of statuses: [TemplateMessageStatus]) async throws -> [TemplateMessageStatus: Int] {
        guard !statuses.isEmpty else { return [:] }
        let rows = try await database.sql().raw("""
            SELECT status, COUNT(*) AS n FROM template_messages
            WHERE status IN (\(SQLList(statuses.map { SQLBind($0.rawValue) }))) GROUP BY status
            """).all()
        var counts: [TemplateMessageStatus: Int] = [:]
        for row in rows {
            if let status = TemplateMessageStatus(rawValue: try row.decode(column: "status", as: String.self)) {
                counts[status] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }
}
