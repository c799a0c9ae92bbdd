import Fluent
import Foundation

/// A message or event the official account's server endpoint accepted, once: WeChat re-sends a push it got no
/// answer to, and the unique key turns those repeats away.
// Fluent models are `@unchecked Sendable`, as in Vapor's template: see User.
final class InboundEvent: Model, @unchecked Sendable {
    static let schema = "inbound_events"

    @ID(key: .id) var id: UUID?
    /// `msgid:<MsgId>` for messages; `event:<FromUserName>:<CreateTime>:<Event>` for events.
    @Field(key: "dedup_key") var dedupKey: String
    @Field(key: "app_id") var appID: String
    @Field(key: "openid") var openID: String
    @Field(key: "msg_type") var msgType: String
    @OptionalField(key: "event") var event: String?
    /// Every top-level field of the push, as JSON.
    @Field(key: "fields") var fields: String
    @Field(key: "create_time") var createTime: Int64
    /// The `MsgID` of a TEMPLATESENDJOBFINISH event, to match it with its message.
    @OptionalField(key: "msg_id") var msgID: Int64?
    @Timestamp(key: "received_at", on: .create) var receivedAt: Date?

    init() {}

    init(dedupKey: String, appID: String, openID: String, msgType: String, event: String?, fields: String,
         createTime: Int64) {
        self.dedupKey = dedupKey
        self.appID = appID
        self.openID = openID
        self.msgType = msgType
        self.event = event
        self.fields = fields
        self.createTime = createTime
    }
}

/// A `(timestamp, nonce)` pair a push arrived with, kept for the replay window.
// Fluent models are `@unchecked Sendable`, as in Vapor's template: see User.
final class PushNonce: Model, @unchecked Sendable {
    static let schema = "push_nonces"

    @ID(key: .id) var id: UUID?
    @Field(key: "nonce") var nonce: String
    @Field(key: "timestamp") var timestamp: Int64
    @Field(key: "seen_at") var seenAt: Date

    init() {}

    init(nonce: String, timestamp: Int64, seenAt: Date) {
        self.nonce = nonce
        self.timestamp = timestamp
        self.seenAt = seenAt
    }
}
