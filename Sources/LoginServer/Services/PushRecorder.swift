import Fluent
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
        let row = InboundEvent(dedupKey: key, appID: appID, openID: message.fromUserName, msgType: message.msgType,
                               event: event, fields: fields, createTime: message.createTime)
        if case .event(.templateSendJobFinish(let msgID, _)) = message.kind { row.msgID = msgID }
        do {
            try await database.writeTransaction { tx in
                try await row.create(on: tx)
                try await apply(message, appID: appID, on: tx)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
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

    private func apply(_ message: InboundMessage, appID: String, on database: any Database) async throws {
        let following: Bool
        switch message.kind {
        case .event(.subscribe): following = true
        case .event(.unsubscribe): following = false
        default: return
        }
        try await WeChatIdentity.query(on: database)
            .filter(\.$appID == appID)
            .filter(\.$openID == message.fromUserName)
            .set(\.$following, to: following)
            .update()
    }
}
