import Fluent
import Foundation
import SQLKit
import WeChatKit

/// The official account endpoint's three writes per push — its replay-guard nonce, the event row, and a delivery
/// report's effect on its message — each batched across concurrent pushes (`StatementBatcher`).
///
/// A template-message burst comes back as a burst of TEMPLATESENDJOBFINISH pushes: one statement per push for
/// each write was most of the endpoint's cost. A push is still acknowledged only after its rows are written.
struct PushWriters: Sendable {
    struct Nonce: Sendable {
        var nonce: String
        var timestamp: Int64
        var seenAt: Date
    }

    struct Event: Sendable {
        var dedupKey: String
        var appID: String
        var openID: String
        var msgType: String
        var event: String?
        var fields: String
        var createTime: Int64
        var msgID: Int64?
        var receivedAt: Date
    }

    /// Whether each nonce is new (true) or a replay.
    let nonces: StatementBatcher<Nonce, Bool>
    /// Whether each event was stored (true) or is a repeat.
    let events: StatementBatcher<Event, Bool>
    /// Whether each report matched a sent message.
    let reports: StatementBatcher<TemplateMessageQueue.DeliveryReport, Bool>

    init(database: any Database) {
        nonces = StatementBatcher(name: "push_nonces") { try await Self.insertNonces($0, on: database) }
        events = StatementBatcher(name: "inbound_events") { try await Self.insertEvents($0, on: database) }
        reports = StatementBatcher(name: "delivery_reports") {
            try await TemplateMessageQueue.applyDeliveryReports($0, on: database)
        }
    }

    /// `INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING RETURNING key`: true for the rows that went in. Of two
    /// items with the same key in one batch, only the first can be new.
    static func insertNonces(_ items: [Nonce], on database: any Database) async throws -> [Bool] {
        let key = { (nonce: String, timestamp: Int64) in "\(timestamp):\(nonce)" }
        let rows = try await database.sql().raw("""
            INSERT INTO push_nonces (id, nonce, "timestamp", seen_at)
            VALUES \(SQLList(items.map { SQLQueryString("(\(bind: UUID()), \(bind: $0.nonce), \(bind: $0.timestamp), \(bind: $0.seenAt))") }))
            ON CONFLICT ("timestamp", nonce) DO NOTHING
            RETURNING nonce, "timestamp"
            """).all()
        let inserted = Set(try rows.map { key(try $0.decode(column: "nonce", as: String.self),
                                               try $0.decode(column: "timestamp", as: Int64.self)) })
        return firstOccurrences(items.map { key($0.nonce, $0.timestamp) }, in: inserted)
    }

    static func insertEvents(_ items: [Event], on database: any Database) async throws -> [Bool] {
        let values = items.map { item in
            SQLQueryString("""
                (\(bind: UUID()), \(bind: item.dedupKey), \(bind: item.appID), \(bind: item.openID), \(bind: item.msgType),
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

    /// For each key in order: whether it is in `inserted` and this is its first occurrence.
    private static func firstOccurrences(_ keys: [String], in inserted: Set<String>) -> [Bool] {
        var seen: Set<String> = []
        return keys.map { key in seen.insert(key).inserted && inserted.contains(key) }
    }
}
