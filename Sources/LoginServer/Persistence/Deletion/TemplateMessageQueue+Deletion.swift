import Fluent
import Foundation
import SQLKit

extension TemplateMessageQueue {
    /// What deleting a recipient did to their messages.
    struct Forgotten: Sendable, Equatable {
        /// Queued or being sent: deleted, never to go out.
        var cancelled: Int
        /// Sent, delivered, blocked or failed: kept for the counts, with the recipient and content removed.
        var kept: Int
        /// Of those kept, the ones WeChat reported delivered, plus the delivered ones the retention sweep already
        /// deleted (their tally).
        var delivered: Int
    }

    /// Forgets a deleted person as a recipient: messages not yet sent (`queued`, `sending`) are deleted — a worker
    /// holding one records nothing, as its claim is gone — and the others stay, detached: no user, no openid, no
    /// payload (the template's data may name the person), no idempotency key; their app, template, status, errcode
    /// and dates remain, so counts of messages sent and delivered stay true.
    static func forgetRecipient(_ userID: UUID, identities: [(appID: String, openID: String)], at now: Date,
                                on database: any Database) async throws -> Forgotten {
        var conditions: [SQLQueryString] = ["user_id = \(bind: userID)"]
        conditions += identities.map { "(app_id = \(bind: $0.appID) AND openid = \(bind: $0.openID))" }
        let recipient = conditions.joined(separator: " OR ")
        let sql = try database.sql()
        let cancelled = try await sql.raw("""
            DELETE FROM template_messages
            WHERE (\(recipient)) AND status IN (\(bind: TemplateMessageStatus.queued.rawValue), \(bind: TemplateMessageStatus.sending.rawValue))
            RETURNING id
            """).all().count
        let kept = try await sql.raw("""
            UPDATE template_messages
            SET user_id = NULL, openid = '', payload = '{}', idempotency_key = NULL, updated_at = \(bind: now)
            WHERE \(recipient)
            RETURNING status
            """).all().map { try $0.decode(column: "status", as: String.self) }
        let swept = try await deleteTally(of: userID, on: database)
        return Forgotten(cancelled: cancelled, kept: kept.count,
                         delivered: kept.filter { $0 == TemplateMessageStatus.delivered.rawValue }.count + swept)
    }
}
