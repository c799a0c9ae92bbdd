import Foundation
import Vapor

/// `GET /api/me`: the signed-in user and their WeChat identities (dates in ISO 8601). Never carries tokens.
struct MeResponse: Content {
    struct UserDTO: Content {
        var id: UUID
        var displayName: String?
        var phone: String?
        var email: String?
        /// The business's own id for the user (``ExternalID``), when it gave one.
        var externalID: String?
        var createdAt: String?
    }

    struct IdentityDTO: Content {
        var id: UUID
        /// `officialAccount` or `website`.
        var appKind: String
        var appID: String
        var openID: String
        var unionID: String?
        var nickname: String?
        var avatarURL: String?
        var scopes: [String]
        var needsReauthorization: Bool
        var lastLoginAt: String?
    }

    var user: UserDTO
    var identities: [IdentityDTO]
    /// The session's CSRF token, which the JSON API's POSTs carry in `X-CSRF-Token`; absent in admin answers.
    var csrfToken: String?

    init(user: User, identities: [WeChatIdentity], csrfToken: String? = nil) throws {
        self.csrfToken = csrfToken
        self.user = UserDTO(
            id: try user.requireID(), displayName: user.displayName, phone: user.phone, email: user.email,
            externalID: user.externalID, createdAt: user.createdAt?.formatted(.iso8601))
        self.identities = try identities.map { identity in
            IdentityDTO(
                id: try identity.requireID(), appKind: identity.appKind, appID: identity.appID,
                openID: identity.openID, unionID: identity.unionID, nickname: identity.nickname,
                avatarURL: identity.avatarURL,
                scopes: identity.scopes.split(separator: ",").map(String.init),
                needsReauthorization: identity.needsReauthorization, lastLoginAt: identity.lastLoginAt?.formatted(.iso8601))
        }
    }
}
