import Foundation

/// An issued OAuth code.
struct CodeRecord: Sendable {
    let appID: String
    let userID: String
    let scope: String
    let expiresAt: Date
    var used: Bool
}

/// A user grant: the sns access_token and refresh_token pair.
struct SnsGrant: Sendable {
    var accessToken: String
    var accessExpiresAt: Date
    let refreshToken: String
    let refreshExpiresAt: Date
    let appID: String
    let userID: String
    let scope: String
    let issuedAt: Date
}

/// Which family a server token belongs to; the two are isolated.
enum ServerTokenFamily: String, Sendable {
    case ordinary
    case stable
}

/// An issued `cgi-bin` access token.
struct ServerTokenRecord: Sendable {
    let appID: String
    let family: ServerTokenFamily
    let issuedAt: Date
    let expiresAt: Date
    var validUntil: Date
    var superseded: Bool
}

/// A user's relation with one official account.
struct FollowRecord: Sendable {
    var subscribed: Bool
    var subscribeTime: Date
    var blocked: Bool
    var refusesMessages: Bool
    /// Injected fault: template messages to this follower fail (`failed: system failed`).
    var systemFails = false
    /// The parametric code's scene of the latest follow, when it came from one (`user/info`'s `qr_scene`).
    var qrScene: ParametricQRCode.Scene? = nil
}

/// A template message a user received, as their phone shows it.
struct ReceivedMessage: Sendable, Codable {
    let msgid: Int64
    let appid: String
    let templateID: String
    let title: String
    let text: String
    let url: String?
    let receivedAt: Int
    let status: String
}

/// A state key for per-(app, openid, client_msg_id) dedup.
struct DedupEntry: Sendable {
    let msgID: Int64
    let expiresAt: Date
}
