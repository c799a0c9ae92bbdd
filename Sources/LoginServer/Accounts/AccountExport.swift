import Foundation
import Vapor

/// The document `GET /api/me/export` gives a person: everything the service holds about them (PIPL art. 45), in
/// the shape `wechat-login.export/1` that README, DEPLOYMENT.md and `/openapi.json` describe. A change that
/// removes or renames a field is a new format name; new fields may be added within `/1`.
///
/// Never carries a secret: no WeChat token (only whether one is held and until when), no session id, no provider
/// token, `jti` or hash, no one-time code. Dates are ISO 8601 (UTC, seconds).
struct AccountExport: Content {
    static let format = "wechat-login.export/1"
    /// The most events, template messages and pushes one export holds (newest first); `truncated` says when more exist.
    static let defaultLimit = 1000

    var format: String
    var exportedAt: String
    var user: UserPart
    var identities: [IdentityPart]
    var sessions: [SessionPart]
    var apps: [AppPart]
    var templateMessages: [TemplateMessagePart]
    var wechatPushes: [PushPart]
    var events: [EventView]
    var limits: Counts
    var truncated: Flags

    enum CodingKeys: String, CodingKey {
        case format, exportedAt = "exported_at", user, identities, sessions, apps
        case templateMessages = "template_messages", wechatPushes = "wechat_pushes", events, limits, truncated
    }

    /// The `users` row.
    struct UserPart: Content {
        var id: UUID
        var externalID: String?
        var name: String?
        var phone: String?
        var email: String?
        var createdAt: String?
        var updatedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, externalID = "external_id", name, phone, email, createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    /// A `wechat_identities` row bound to the user, without its sealed tokens.
    struct IdentityPart: Content {
        var id: UUID
        var appID: String
        /// `officialAccount` or `website`.
        var appKind: String
        var openID: String
        var unionID: String?
        var nickname: String?
        var avatarURL: String?
        var scopes: [String]
        var isSnapshotUser: Bool
        var following: Bool?
        var needsReauthorization: Bool
        /// Whether sealed WeChat user tokens are stored for the identity (their values never leave the server).
        var holdsWeChatTokens: Bool
        var accessTokenExpiresAt: String?
        var refreshTokenExpiresAt: String?
        var lastSignInAt: String?
        var createdAt: String?
        var updatedAt: String?

        enum CodingKeys: String, CodingKey {
            case id, appID = "appid", appKind = "app_kind", openID = "openid", unionID = "unionid", nickname
            case avatarURL = "avatar_url", scopes, isSnapshotUser = "is_snapshot_user", following
            case needsReauthorization = "needs_reauthorization", holdsWeChatTokens = "holds_wechat_tokens"
            case accessTokenExpiresAt = "access_token_expires_at", refreshTokenExpiresAt = "refresh_token_expires_at"
            case lastSignInAt = "last_sign_in_at", createdAt = "created_at", updatedAt = "updated_at"
        }
    }

    /// The browser session the export was asked from (see ``AccountExporter`` for why only that one).
    struct SessionPart: Content {
        var createdAt: String
        var expiresAt: String
        var current: Bool

        enum CodingKeys: String, CodingKey {
            case createdAt = "created_at", expiresAt = "expires_at", current
        }
    }

    /// An app the OpenID Connect provider issued the person tokens for.
    struct AppPart: Content {
        var clientID: String
        var clientName: String?
        var scopes: [String]
        var firstIssuedAt: String
        var lastIssuedAt: String
        /// Refresh-token families with a live token: the app can still get new access tokens.
        var activeRefreshFamilies: Int
        var activeAccessTokens: Int

        enum CodingKeys: String, CodingKey {
            case clientID = "client_id", clientName = "client_name", scopes, firstIssuedAt = "first_issued_at"
            case lastIssuedAt = "last_issued_at", activeRefreshFamilies = "active_refresh_families"
            case activeAccessTokens = "active_access_tokens"
        }
    }

    /// A template message the business sent (or queued) to the person.
    struct TemplateMessagePart: Content {
        var id: UUID
        var appID: String
        var openID: String
        var templateID: String
        var url: String?
        var data: [Field]
        var status: String
        var attempts: Int
        var msgID: Int64?
        var errcode: Int?
        var reason: String?
        var deliveryStatus: String?
        var createdAt: String?
        var sentAt: String?
        var finishedAt: String?

        struct Field: Content, Equatable {
            var key: String
            var value: String
            var color: String?
        }

        enum CodingKeys: String, CodingKey {
            case id, appID = "appid", openID = "openid", templateID = "template_id", url, data, status, attempts
            case msgID = "msgid", errcode, reason, deliveryStatus = "delivery_status", createdAt = "created_at"
            case sentAt = "sent_at", finishedAt = "finished_at"
        }
    }

    /// What WeChat pushed to the official account about one of the person's identities: follows, menu clicks,
    /// messages they wrote to the account, delivery reports (`inbound_events`).
    struct PushPart: Content {
        var appID: String
        var openID: String
        var msgType: String
        var event: String?
        /// Every top-level field of the push as WeChat sent it (what the person wrote is in `Content`).
        var fields: [String: String]
        /// WeChat's `CreateTime`, in seconds since 1970.
        var createTime: Int64
        var receivedAt: String?

        enum CodingKeys: String, CodingKey {
            case appID = "appid", openID = "openid", msgType = "msg_type", event, fields, createTime = "create_time"
            case receivedAt = "received_at"
        }
    }

    struct Counts: Content {
        var events: Int
        var templateMessages: Int
        var wechatPushes: Int

        enum CodingKeys: String, CodingKey {
            case events, templateMessages = "template_messages", wechatPushes = "wechat_pushes"
        }
    }

    struct Flags: Content {
        var events: Bool
        var templateMessages: Bool
        var wechatPushes: Bool

        enum CodingKeys: String, CodingKey {
            case events, templateMessages = "template_messages", wechatPushes = "wechat_pushes"
        }
    }
}

extension Date {
    /// The export's date format: ISO 8601, UTC, seconds.
    var exportString: String { formatted(.iso8601) }
}
