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
    /// The application's batchers for the event insert and the delivery report; a recorder built without them
    /// (tests) gets its own.
    let writers: PushWriters

    init(database: any Database, clock: any ServerClock, logger: Logger, writers: PushWriters? = nil) {
        self.database = database
        self.clock = clock
        self.logger = logger
        self.writers = writers ?? PushWriters(database: database)
    }

    /// The key WeChat's retries of `message` share: WeChat's key for events is FromUserName + CreateTime; the event
    /// name keeps a follow and an unfollow in the same second apart.
    static func key(_ message: InboundMessage) -> String {
        message.fields["Event"].map { "\(message.deduplicationKey):\($0)" } ?? message.deduplicationKey
    }

    /// Stores `message` unless it was already stored, and applies it the first time; says whether this call stored
    /// it and whether the server consumes it (the relay passes on the rest).
    ///
    /// A follow or unfollow writes its event (`official_account.followed` / `.unfollowed`, naming WeChat and the
    /// push's `address`) in the transaction that changes the follow state.
    @discardableResult
    func record(_ message: InboundMessage, appID: String, address: String? = nil) async throws -> PushConsumption {
        let event = message.fields["Event"]
        let key = Self.key(message)
        var consumption = PushConsumption(key: key, isFirstArrival: false, isConsumed: PushConsumption.consumes(message))
        let fields = String(decoding: try JSONEncoder().encode(message.fields), as: UTF8.self)
        var msgID: Int64?
        if case .event(.templateSendJobFinish(let id, _)) = message.kind { msgID = id }
        let following: Bool? = switch message.kind {
        case .event(.subscribe): true
        case .event(.unsubscribe): false
        default: nil
        }
        let item = InboundEventStore.Row(
            dedupKey: key, appID: appID, openID: message.fromUserName, msgType: message.msgType, event: event,
            fields: fields, createTime: message.createTime, msgID: msgID, receivedAt: clock.now())
        let stored: Bool
        if let following {
            // A follow change commits with its event.
            stored = try await database.writeTransaction { tx in
                guard try await InboundEventStore.insert(item, inTransaction: tx) else { return false }
                let now = clock.now()
                let userID = try await IdentityStore(database: tx)
                    .setFollowing(following, appID: appID, openID: message.fromUserName, at: now)
                try await EventLog(database: tx).append(Event(
                    following ? .officialAccountFollowed : .officialAccountUnfollowed, userID: userID,
                    actor: EventActor(kind: .wechat, address: address),
                    payload: EventPayload(appID: appID, openID: message.fromUserName)), at: now)
                return true
            }
        } else {
            stored = try await InboundEventStore(database: database, batcher: writers.events).insert(item)
        }
        guard stored else {
            logger.info("wechat push repeated", metadata: ["reason": "message", "type": "\(message.msgType)"])
            return consumption
        }
        consumption.isFirstArrival = true
        logger.info("wechat push accepted", metadata: ["type": "\(message.msgType)", "event": "\(event ?? "-")"])
        if case .event(.templateSendJobFinish(let msgID, let status)) = message.kind {
            // After the event row is committed: a send recorded later finds the event; one recorded earlier is
            // found here (see TemplateMessageQueue.record).
            let report = TemplateMessageQueue.DeliveryReport(appID: appID, msgID: msgID, status: status, at: clock.now())
            let applied = try await TemplateMessageQueue(database: database, clock: clock,
                                                         deliveryReports: writers.reports).apply(report)
            logger.info("template message delivery report", metadata: [
                "wechat.msgid": "\(msgID)", "status": "\(status.rawValue)", "matched": "\(applied)",
            ])
        }
        return consumption
    }
}
