import Fluent
import Foundation
import SQLKit
import WeChatKit

/// The one way to `inbound_events`: every push the official account endpoint accepted, once.
///
/// SQL text: a template-message burst comes back as a burst of pushes, and each is one insert. Outside a
/// transaction the insert always goes through the application's batcher (a lone push is written at once, a burst
/// by one multi-row statement); a push that changes a follow state inserts inside its own transaction instead, so
/// the two commit together.
struct InboundEventStore: Sendable {
    let database: any Database
    /// The application's batcher for this table; a store built without one (tests, one-off tools) gets its own.
    let inserts: StatementBatcher<Row, Bool>

    init(database: any Database, batcher: StatementBatcher<Row, Bool>? = nil) {
        self.database = database
        self.inserts = batcher ?? Self.batcher(on: database)
    }

    /// One accepted push.
    struct Row: Sendable {
        /// `msgid:<MsgId>` for messages; `event:<FromUserName>:<CreateTime>:<Event>` for events.
        var dedupKey: String
        var appID: String
        var openID: String
        var msgType: String
        var event: String?
        /// Every top-level field of the push, as JSON.
        var fields: String
        var createTime: Int64
        /// The `MsgID` of a TEMPLATESENDJOBFINISH event.
        var msgID: Int64?
        var receivedAt: Date
    }

    /// The application-wide batcher that writes this table's inserts.
    static func batcher(on database: any Database) -> StatementBatcher<Row, Bool> {
        StatementBatcher(name: "inbound_events") { try await insert($0, on: database) }
    }

    /// Stores the push unless its key was stored before; true when this call stored it.
    func insert(_ row: Row) async throws -> Bool {
        try await inserts.submit(row)
    }

    /// Stores the push inside the caller's transaction `tx` (not batched: the transaction is the caller's).
    static func insert(_ row: Row, inTransaction tx: any Database) async throws -> Bool {
        try await insert([row], on: tx)[0]
    }

    /// `INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING RETURNING dedup_key`: true for the rows that went in. Of two
    /// rows with the same key in one batch, only the first can be new.
    static func insert(_ items: [Row], on database: any Database) async throws -> [Bool] {
        let values = items.map { item in
            SQLQueryString("""
                (\(bind: UUID.timeOrdered(at: item.receivedAt)), \(bind: item.dedupKey), \(bind: item.appID), \(bind: item.openID), \(bind: item.msgType),
                 \(bind: item.event), \(bind: item.fields), \(bind: item.createTime), \(bind: item.msgID), \(bind: item.receivedAt))
                """)
        }
        let rows = try await database.sql().raw("""
            INSERT INTO inbound_events (id, dedup_key, app_id, openid, msg_type, event, fields, create_time, msg_id, received_at)
            VALUES \(SQLList(values))
            ON CONFLICT (dedup_key) DO NOTHING
            RETURNING dedup_key
            """).all()
        let inserted = Set(try rows.map { try $0.decode(column: "dedup_key", as: String.self) })
        return firstOccurrences(items.map(\.dedupKey), in: inserted)
    }

    /// A stored push, as a person's data export shows it.
    struct Stored: Sendable {
        var appID: String
        var openID: String
        var msgType: String
        var event: String?
        var fields: [String: String]
        var createTime: Int64
        var receivedAt: Date?
    }

    /// The pushes WeChat sent about these identities (`(appid, openid)` pairs), newest first, at most `limit`.
    static func pushes(of identities: [(appID: String, openID: String)], limit: Int,
                       on database: any Database) async throws -> [Stored] {
        guard !identities.isEmpty else { return [] }
        let pairs = identities.map { SQLQueryString("(app_id = \(bind: $0.appID) AND openid = \(bind: $0.openID))") }
        return try await database.sql().raw("""
            SELECT app_id, openid, msg_type, event, fields, create_time, received_at FROM inbound_events
            WHERE \(SQLList(pairs, separator: SQLRaw(" OR "))) ORDER BY received_at DESC, create_time DESC
            LIMIT \(literal: max(1, limit))
            """).all().map { row in
                let fields = try row.decode(column: "fields", as: String.self)
                return Stored(
                    appID: try row.decode(column: "app_id", as: String.self),
                    openID: try row.decode(column: "openid", as: String.self),
                    msgType: try row.decode(column: "msg_type", as: String.self),
                    event: try row.decode(column: "event", as: String?.self),
                    fields: (try? JSONDecoder().decode([String: String].self, from: Data(fields.utf8))) ?? [:],
                    createTime: try row.decode(column: "create_time", as: Int64.self),
                    receivedAt: try row.decode(column: "received_at", as: Date?.self))
            }
    }

    /// The delivery reports (TEMPLATESENDJOBFINISH) stored for these msgids of `appID`: one look on the
    /// `(app_id, msg_id)` index, for sends recorded after their report arrived.
    static func deliveryReports(appID: String, msgIDs: [Int64], on database: any Database)
        async throws -> [(msgID: Int64, status: InboundMessage.TemplateSendStatus)] {
        guard !msgIDs.isEmpty else { return [] }
        let rows = try await database.sql().raw("""
            SELECT msg_id, fields FROM inbound_events
            WHERE app_id = \(bind: appID) AND msg_id IN (\(SQLList(msgIDs.map { SQLBind($0) })))
            """).all()
        return try rows.compactMap { row in
            guard let status = Self.deliveryStatus(inEventFields: try row.decode(column: "fields", as: String.self))
            else { return nil }
            return (try row.decode(column: "msg_id", as: Int64.self), status)
        }
    }

    /// The `Status` a stored TEMPLATESENDJOBFINISH event's fields carry.
    static func deliveryStatus(inEventFields json: String) -> InboundMessage.TemplateSendStatus? {
        guard let fields = try? JSONDecoder().decode([String: String].self, from: Data(json.utf8)),
              let status = fields["Status"] else { return nil }
        return InboundMessage.TemplateSendStatus(rawValue: status)
    }

    /// For each key in order: whether it is in `inserted` and this is its first occurrence.
    static func firstOccurrences(_ keys: [String], in inserted: Set<String>) -> [Bool] {
        var seen: Set<String> = []
        return keys.map { key in seen.insert(key).inserted && inserted.contains(key) }
    }
}
