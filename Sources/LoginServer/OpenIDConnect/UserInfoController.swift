import Foundation
import Vapor

/// `GET`/`POST /oauth/userinfo` (OpenID Connect Core §5.3): the signed-in person's claims, by the access token's
/// scopes (Core §5.4). Anything but a working access token of ours is 401 with `WWW-Authenticate: Bearer
/// error="invalid_token"` (RFC 6750 §3).
struct UserInfoController: RouteCollection {
    let provider: OIDCProvider

    func boot(routes: any RoutesBuilder) throws {
        routes.get("oauth", "userinfo", use: userInfo)
        routes.post("oauth", "userinfo", use: userInfo)
    }

    private func userInfo(_ req: Request) async throws -> Response {
        guard let header = req.headers.first(name: .authorization) else {
            return try await refuse(req, #"Bearer realm="wechat-login""#, "An access token is required.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
              let token = try await provider.activeAccessToken(String(parts[1]), on: req.db),
              let user = try await UserStore(database: req.db).find(token.userID) else {
            req.logger.notice("userinfo refused: invalid, expired or revoked access token")
            return try await refuse(req, #"Bearer realm="wechat-login", error="invalid_token""#,
                                    "The access token is invalid, expired or revoked.", error: "invalid_token")
        }
        let identities = try await IdentityStore(database: req.db).identities(ofUser: token.userID)
        let claims = UserInfoClaims(user: user, identities: identities,
                                    scopes: Set(token.scope.split(separator: " ").map(String.init)))
        return try await Response.noStore(claims, status: .ok, for: req)
    }

    private func refuse(_ req: Request, _ challenge: String, _ description: String,
                        error: String = "invalid_request") async throws -> Response {
        let response = try await Response.noStore(OAuthErrorBody(error: error, error_description: description),
                                                  status: .unauthorized, for: req)
        response.headers.replaceOrAdd(name: .wwwAuthenticate, value: challenge)
        return response
    }
}

/// The claims userinfo answers with: `sub` always, the rest by scope (Core §5.4). `wechat_identities` is our own
/// claim (scope `wechat`): each of the person's WeChat identities with its `appid`, `openid` and `unionid`;
/// `external_id` (scope `external_id`) is the business's own id for the user.
struct UserInfoClaims: Content, Equatable {
    struct Identity: Content, Equatable {
        var appid: String
        var openid: String
        var unionid: String?
        /// `officialAccount` or `website`.
        var app_kind: String
    }

    var sub: String
    var name: String?
    var picture: String?
    var updated_at: Int?
    var email: String?
    var email_verified: Bool?
    var phone_number: String?
    var phone_number_verified: Bool?
    var wechat_identities: [Identity]?
    /// The business's own id for the user (scope `external_id`), when it gave one.
    var external_id: String?

    init(user: User, identities: [WeChatIdentity], scopes: Set<String>) {
        sub = (user.id?.uuidString ?? "").lowercased()
        if scopes.contains("profile") {
            let newest = identities.last { $0.nickname != nil || $0.avatarURL != nil }
            name = user.displayName ?? newest?.nickname
            picture = newest?.avatarURL
            updated_at = (user.updatedAt ?? user.createdAt).map { Int($0.timeIntervalSince1970) }
        }
        if scopes.contains("email"), let email = user.email {
            // Bound with a one-time code sent to it: verified.
            self.email = email
            email_verified = true
        }
        if scopes.contains("phone"), let phone = user.phone {
            // Stored as a mainland mobile number without its country code; E.164 adds it.
            phone_number = "+86" + phone
            phone_number_verified = true
        }
        if scopes.contains("external_id") {
            external_id = user.externalID
        }
        if scopes.contains("wechat") {
            wechat_identities = identities.map {
                Identity(appid: $0.appID, openid: $0.openID, unionid: $0.unionID, app_kind: $0.appKind)
            }
        }
    }
}
