import Foundation
import Vapor
import WeChatKit

/// `POST /api/template-messages`: one message to a business user (`user_id`, or the business's own `external_id`)
/// or an openid.
struct TemplateMessageRequest: Content {
    var userID: UUID?
    var openID: String?
    var externalID: String?
    var templateID: String
    var url: String?
    var miniProgram: MiniProgramDTO?
    var data: [String: FieldDTO]
    var idempotencyKey: String?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", openID = "openid", externalID = "external_id", templateID = "template_id", url
        case miniProgram = "miniprogram"
        case data, idempotencyKey = "idempotency_key"
    }
}

/// `POST /api/template-messages/batch`: one template to many recipients.
struct TemplateBatchRequest: Content {
    var recipients: [RecipientDTO]
    var templateID: String
    var url: String?
    var miniProgram: MiniProgramDTO?
    var data: [String: FieldDTO]
    var idempotencyKey: String?

    enum CodingKeys: String, CodingKey {
        case recipients, templateID = "template_id", url, miniProgram = "miniprogram", data
        case idempotencyKey = "idempotency_key"
    }
}

/// A recipient: a business user (by our id or the business's external id) or an openid of the official account.
struct RecipientDTO: Content {
    var userID: UUID?
    var openID: String?
    var externalID: String?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", openID = "openid", externalID = "external_id"
    }
}

/// A template field's value and optional colour.
struct FieldDTO: Content {
    var value: String
    var color: String?
}

/// A mini program page to open instead of the URL.
struct MiniProgramDTO: Content {
    var appID: String
    var pagePath: String?

    enum CodingKeys: String, CodingKey {
        case appID = "appid", pagePath = "pagepath"
    }
}

/// A message's status, as `GET /api/template-messages/{id}` reports it.
struct TemplateMessageView: Content {
    var id: UUID
    var status: String
    var userID: UUID?
    var openID: String
    var templateID: String
    var batchID: UUID?
    /// WeChat's msgid as a string: it can exceed what a JSON number holds exactly.
    var msgID: String?
    var errcode: Int?
    var reason: String?
    var deliveryStatus: String?
    var attempts: Int
    var nextAttemptAt: String?
    var createdAt: String?
    var sentAt: String?
    var finishedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, status, userID = "user_id", openID = "openid", templateID = "template_id", batchID = "batch_id"
        case msgID = "msgid", errcode, reason, deliveryStatus = "delivery_status", attempts
        case nextAttemptAt = "next_attempt_at", createdAt = "created_at", sentAt = "sent_at", finishedAt = "finished_at"
    }

    init(_ record: TemplateMessageRecord) throws {
        id = try record.requireID()
        status = record.status
        userID = record.$user.id
        openID = record.openID
        templateID = record.templateID
        batchID = record.batchID
        msgID = record.msgID.map(String.init)
        errcode = record.errcode
        reason = record.reason
        deliveryStatus = record.deliveryStatus
        attempts = record.attempts
        nextAttemptAt = record.status == TemplateMessageStatus.queued.rawValue
            ? record.nextAttemptAt.formatted(.iso8601) : nil
        createdAt = record.createdAt?.formatted(.iso8601)
        sentAt = record.sentAt?.formatted(.iso8601)
        finishedAt = record.finishedAt?.formatted(.iso8601)
    }
}

/// The answer to a batch: what was queued, and which recipients were refused and why.
struct TemplateBatchResponse: Content {
    struct Accepted: Content {
        var index: Int
        var id: UUID
        var status: String
    }

    struct Rejected: Content {
        var index: Int
        var reason: String
    }

    var batchID: UUID
    var accepted: [Accepted]
    var rejected: [Rejected]

    enum CodingKeys: String, CodingKey {
        case batchID = "batch_id", accepted, rejected
    }
}
