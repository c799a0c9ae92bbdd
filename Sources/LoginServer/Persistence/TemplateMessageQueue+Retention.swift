import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit

extension TemplateMessageQueue {
    /// Each recipient's count of delivered messages whose rows the retention sweep deleted; this store owns it.
    static let talliesTable = "template_message_tallies"

    /// Deletes messages finished (delivered, blocked, failed) before `cutoff`, and messages sent before `cutoff`
    /// whose delivery report never came, `batch` rows per write transaction; returns how many.
    ///
    /// Each batch walks an index on the time (`template_messages_finished_at`, `template_messages_sent_at`)
    /// and commits with its delivered messages added to their recipients' tallies, so a count of delivered messages
    /// survives its rows. On PostgreSQL a batch skips rows another transaction holds (an account deletion detaching
    /// them); the next sweep takes them.
    static func sweep(finishedBefore cutoff: Date, batch: Int = 1000, on database: any Database) async throws -> Int {
        let postgres = database is any PostgresDatabase
        let lock: SQLQueryString = postgres ? "FOR UPDATE SKIP LOCKED" : ""
        // SQLite's planner, without statistics, would take `template_messages_due (status, …)` and sort every sent row.
        let bySentAt: SQLQueryString = postgres ? "" : "INDEXED BY template_messages_sent_at"
        let kinds: [SQLQueryString] = [
            "SELECT id FROM template_messages WHERE finished_at < \(bind: cutoff) ORDER BY finished_at LIMIT \(literal: batch) \(lock)",
            "SELECT id FROM template_messages \(bySentAt) WHERE status = 'sent' AND sent_at < \(bind: cutoff) ORDER BY sent_at LIMIT \(literal: batch) \(lock)",
        ]
        var deleted = 0
        for select in kinds {
            while true {
                let count = try await database.writeTransaction { tx in
                    let rows = try await tx.sql().raw("""
                        DELETE FROM template_messages WHERE id IN (\(select)) RETURNING user_id, status
                        """).all()
                    var delivered: [UUID: Int] = [:]
                    for row in rows where try row.decode(column: "status", as: String.self) == TemplateMessageStatus.delivered.rawValue {
                        if let userID = try row.decode(column: "user_id", as: UUID?.self) { delivered[userID, default: 0] += 1 }
                    }
                    try await addDelivered(delivered, on: tx)
                    return rows.count
                }
                deleted += count
                if count < batch { break }
            }
        }
        return deleted
    }

    /// Adds to recipients' tallies, one statement.
    private static func addDelivered(_ counts: [UUID: Int], on database: any Database) async throws {
        guard !counts.isEmpty else { return }
        let values = SQLList(counts.map { SQLQueryString("(\(bind: $0.key), \(bind: Int64($0.value)))") })
        try await database.sql().raw("""
            INSERT INTO template_message_tallies (user_id, delivered) VALUES \(values)
            ON CONFLICT (user_id) DO UPDATE SET delivered = template_message_tallies.delivered + excluded.delivered
            """).run()
    }

    /// Delivered messages to `userID` whose rows were swept.
    static func sweptDelivered(to userID: UUID, on database: any Database) async throws -> Int {
        try await database.sql().raw("SELECT delivered FROM template_message_tallies WHERE user_id = \(bind: userID)")
            .first()?.decode(column: "delivered", as: Int.self) ?? 0
    }

    /// Removes `userID`'s tally (an account deletion, which reports it); returns it.
    static func deleteTally(of userID: UUID, on database: any Database) async throws -> Int {
        try await database.sql().raw("DELETE FROM template_message_tallies WHERE user_id = \(bind: userID) RETURNING delivered")
            .first()?.decode(column: "delivered", as: Int.self) ?? 0
    }
}
