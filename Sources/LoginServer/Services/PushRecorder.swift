import Fluent
import SQLKit
import Foundation
import Logging
import WeChatKit

/// Records an accepted push once and applies what it says: following and unfollowing change the identity's
/// follow state (and so whether template messages can reach it); TEMPLATESENDJOBFINISH completes a sent message.
struct PushRecorder: Sendable {
    let database: any Database
    let clock: any ServerClock
    let logger: Logger

    /// Stores `message` unless it was already stored; true when this call stored it.
    @discardableResult
    func record(_ message: InboundMessage, appID: String) async throws -> Bool {
        let event = message.fields["Event"]
        // WeChat's key for events is FromUserName + CreateTime; the event name keeps a follow and an unfollow in
        // the same second apart.
        let key = event.map { "\(message.deduplicationKey):\($0)" } ?? message.deduplicationKey
        let fields = String(decoding: try JSONEncoder().encode(message.fields), as: UTF8.self)
        var msgID: Int64?
        if case .event(.templateSendJobFinish(let id, _)) = message.kind { msgID = id }
        let following: Bool? = switch message.kind {
        case .event(.subscribe): true
        case .event(.unsubscribe): false
        default: nil
        }
        // One statement that says whether the push is new; a follow change and its event commit together.
        let insert: SQLQueryString = """
            INSERT INTO inbound_events (id, dedup_key, app_id, openid, msg_type, event, fields, create_time, msg_id, received_at)
            VALUES (\(bind: UUID()), \(bind: key), \(bind: appID), \(bind: message.fromUserName), \(bind: message.msgType),
                    \(bind: event), \(bind: fields), \(bind: message.createTime), \(bind: msgID), \(bind: clock.now()))
            ON CONFLICT (dedup_key) DO NOTHING
            RETURNING id
            """
        let stored: Bool
        if let following {
            stored = try await database.writeTransaction { tx in
                let sql = try tx.sql()
                guard try await !sql.raw(insert).all().isEmpty else { return false }
                try await sql.raw("""
                    UPDATE wechat_identities SET following = \(bind: following), updated_at = \(bind: clock.now())
                    WHERE app_id = \(bind: appID) AND openid = \(bind: message.fromUserName)
                    """).run()
                return true
            }
        } else {
            stored = try await !database.sql().raw(insert).all().isEmpty
        }
        guard stored else {
            logger.info("wechat push repeated", metadata: ["reason": "message", "type": "\(message.msgType)"])
            return false
        }
        logger.info("wechat push accepted", metadata: ["type": "\(message.msgType)", "event": "\(event ?? "-")"])
        if case .event(.templateSendJobFinish(let msgID, let status)) = message.kind {
            // After the event row is committed: a send recorded later finds the event; one recorded earlier is
            // found here (see TemplateMessageQueue.record).
            let applied = try await TemplateMessageQueue(database: database, clock: clock)
                .applyDeliveryReport(appID: appID, msgID: msgID, status: status)
            logger.info("template message delivery report", metadata: [
                "wechat.msgid": "\(msgID)", "status": "\(status.rawValue)", "matched": "\(applied)",
            ])
        }
        return true
    }
}
