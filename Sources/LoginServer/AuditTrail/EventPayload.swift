import Foundation

/// The JSON payload of an event: a closed set of optional fields (which ones each type fills is documented on
/// ``EventType``); absent fields are left out of the JSON.
struct EventPayload: Sendable, Codable, Equatable {
    var identityID: UUID?
    var appID: String?
    var openID: String?
    var unionID: String?
    var via: String?
    var flow: String?
    var clientID: String?
    var challengeID: UUID?
    var limit: String?
    var messageID: UUID?
    var msgID: Int64?
    var status: String?
    var errcode: Int?
    var reason: String?
    var grant: String?
    var grantID: String?
    var scope: String?
    var refreshToken: Bool?
    var jti: String?
    var count: Int?
    /// Which contact field changed: `phone` or `email` (never the address itself).
    var field: String?
    /// The business's id of a deleted user (`user.deleted` only: the business already holds it).
    var externalID: String?
    /// Template messages reported delivered to a deleted user (`user.deleted`).
    var deliveredMessages: Int?

    enum CodingKeys: String, CodingKey {
        case identityID = "identity_id", appID = "appid", openID = "openid", unionID = "unionid", via, flow
        case clientID = "client_id", challengeID = "challenge_id", limit, messageID = "message_id", msgID = "msgid"
        case status, errcode, reason, grant, grantID = "grant_id", scope, refreshToken = "refresh_token", jti, count
        case field, externalID = "external_id", deliveredMessages = "delivered_messages"
    }

    /// The payload as stored: compact JSON with sorted keys (UUIDs in lowercase).
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Writes UUIDs in lowercase, as the rest of the API shows them (Foundation's encoder writes uppercase).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(identityID?.uuidString.lowercased(), forKey: .identityID)
        try container.encodeIfPresent(appID, forKey: .appID)
        try container.encodeIfPresent(openID, forKey: .openID)
        try container.encodeIfPresent(unionID, forKey: .unionID)
        try container.encodeIfPresent(via, forKey: .via)
        try container.encodeIfPresent(flow, forKey: .flow)
        try container.encodeIfPresent(clientID, forKey: .clientID)
        try container.encodeIfPresent(challengeID?.uuidString.lowercased(), forKey: .challengeID)
        try container.encodeIfPresent(limit, forKey: .limit)
        try container.encodeIfPresent(messageID?.uuidString.lowercased(), forKey: .messageID)
        try container.encodeIfPresent(msgID, forKey: .msgID)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(errcode, forKey: .errcode)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(grant, forKey: .grant)
        try container.encodeIfPresent(grantID, forKey: .grantID)
        try container.encodeIfPresent(scope, forKey: .scope)
        try container.encodeIfPresent(refreshToken, forKey: .refreshToken)
        try container.encodeIfPresent(jti, forKey: .jti)
        try container.encodeIfPresent(count, forKey: .count)
        try container.encodeIfPresent(field, forKey: .field)
        try container.encodeIfPresent(externalID, forKey: .externalID)
        try container.encodeIfPresent(deliveredMessages, forKey: .deliveredMessages)
    }
}
