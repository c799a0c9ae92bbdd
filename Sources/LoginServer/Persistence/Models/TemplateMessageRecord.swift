import Fluent
import Foundation

/// One template message in the durable send queue, from `queued` to a final status.
///
/// Workers on every instance claim due rows (`queued` and due, or `sending` whose claim expired because its
/// worker died); `client_msg_id` is fixed at enqueue time, so a re-send after a crash is dropped by WeChat as a
/// duplicate (within its 10-minute window) instead of reaching the person twice.
// Fluent models are `@unchecked Sendable`, as in Vapor's template: see User.
final class TemplateMessageRecord: Model, @unchecked Sendable {
    static let schema = "template_messages"

    @ID(key: .id) var id: UUID?
    @Field(key: "app_id") var appID: String
    @OptionalParent(key: "user_id") var user: User?
    @Field(key: "openid") var openID: String
    @Field(key: "template_id") var templateID: String
    /// WeChat's request body, `touser` and `client_msg_id` included (JSON of `TemplateMessage`).
    @Field(key: "payload") var payload: String
    @Field(key: "client_msg_id") var clientMessageID: String
    @OptionalField(key: "idempotency_key") var idempotencyKey: String?
    @OptionalField(key: "batch_id") var batchID: UUID?
    /// A `TemplateMessageStatus` raw value.
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "claimed_by") var claimedBy: String?
    @OptionalField(key: "claim_expires_at") var claimExpiresAt: Date?
    /// WeChat's `msgid`, once sent.
    @OptionalField(key: "msg_id") var msgID: Int64?
    /// The last (or final) errcode, when WeChat refused.
    @OptionalField(key: "errcode") var errcode: Int?
    /// Why the message failed or waits.
    @OptionalField(key: "reason") var reason: String?
    /// The `Status` of the TEMPLATESENDJOBFINISH event, as WeChat wrote it.
    @OptionalField(key: "delivery_status") var deliveryStatus: String?
    @Timestamp(key: "created_at", on: .none) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .none) var updatedAt: Date?
    @Timestamp(key: "sent_at", on: .none) var sentAt: Date?
    @Timestamp(key: "finished_at", on: .none) var finishedAt: Date?

    init() {}
}

/// Where a queued template message is.
enum TemplateMessageStatus: String, Codable, Sendable, CaseIterable {
    /// Waiting to be sent (first time, after a transient failure, or until the daily quota resets).
    case queued
    /// Claimed by a worker that is sending it.
    case sending
    /// WeChat accepted it (`msgid` known); its delivery report has not arrived.
    case sent
    /// WeChat reported it delivered (`success`).
    case delivered
    /// The person refuses this account's messages (`failed:user block`).
    case blocked
    /// Refused by WeChat (with errcode and reason), given up after retries, or reported failed by WeChat.
    case failed

    /// True for the statuses a message never leaves.
    var isFinal: Bool { self == .delivered || self == .blocked || self == .failed }
}
