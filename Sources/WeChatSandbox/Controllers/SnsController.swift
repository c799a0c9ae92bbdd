import Foundation
import Vapor

/// `sns/oauth2/access_token`, `sns/oauth2/refresh_token`, `sns/auth`, `sns/userinfo` (spec §3–§6).
struct SnsController: RouteCollection {
    let sandbox: Sandbox

    struct TokenBody: Encodable {
        let access_token: String
        let expires_in: Int
        let refresh_token: String
        let openid: String
        let scope: String
        let is_snapshotuser: Int?
        let unionid: String?

        init(_ view: SnsTokenGrantView) {
            access_token = view.accessToken; expires_in = view.expiresIn; refresh_token = view.refreshToken
            openid = view.openID; scope = view.scope; is_snapshotuser = view.isSnapshotUser ? 1 : nil
            unionid = view.unionID
        }
    }

    func boot(routes: any RoutesBuilder) throws {
        let maxBody = sandbox.configuration.limits.maxBodyBytes
        routes.wechat(.GET, "sns", "oauth2", "access_token", maxBody: maxBody, use: accessToken)
        routes.wechat(.GET, "sns", "oauth2", "refresh_token", maxBody: maxBody, use: refreshToken)
        routes.wechat(.GET, "sns", "auth", maxBody: maxBody, use: auth)
        routes.wechat(.GET, "sns", "userinfo", maxBody: maxBody, use: userInfo)
    }

    func accessToken(_ req: Request) async throws -> Response {
        let query = try req.apiParameters()
        guard let appID = query.nonEmpty("appid") else { throw WeChatAPIError.appIDMissing }
        guard let secret = query.nonEmpty("secret") else { throw WeChatAPIError.appSecretMissing }
        guard let code = query.nonEmpty("code") else { throw WeChatAPIError.codeMissing }
        guard query["grant_type"] == "authorization_code" else { throw WeChatAPIError.invalidGrantType }
        let now = await sandbox.clock.now()
        let view = try await sandbox.state.exchange(appID: appID, secret: secret, code: code, now: now)
        return WeChatReply.json(TokenBody(view), family: .sns)
    }

    func refreshToken(_ req: Request) async throws -> Response {
        let query = try req.apiParameters()
        guard let appID = query.nonEmpty("appid") else { throw WeChatAPIError.appIDMissing }
        guard let token = query.nonEmpty("refresh_token") else { throw WeChatAPIError.refreshTokenMissing }
        guard query["grant_type"] == "refresh_token" else { throw WeChatAPIError.invalidGrantType }
        let now = await sandbox.clock.now()
        let view = try await sandbox.state.refresh(appID: appID, refreshToken: token, now: now)
        return WeChatReply.json(TokenBody(view), family: .sns)
    }

    func auth(_ req: Request) async throws -> Response {
        let query = try req.apiParameters()
        guard let token = query.nonEmpty("access_token") else { throw WeChatAPIError.accessTokenMissing }
        guard let openID = query.nonEmpty("openid") else { throw WeChatAPIError.openIDMissing }
        let now = await sandbox.clock.now()
        try await sandbox.state.checkSnsToken(accessToken: token, openID: openID, now: now)
        return WeChatReply.ok(family: .sns)
    }

    func userInfo(_ req: Request) async throws -> Response {
        let query = try req.apiParameters()
        guard let token = query.nonEmpty("access_token") else { throw WeChatAPIError.accessTokenMissing }
        guard let openID = query.nonEmpty("openid") else { throw WeChatAPIError.openIDMissing }
        let now = await sandbox.clock.now()
        let info = try await sandbox.state.userInfo(accessToken: token, openID: openID, now: now)
        return WeChatReply.json(info, family: .sns)
    }
}
