import Foundation
import Vapor

/// `cgi-bin/user/info` (spec §8).
struct FollowerController: RouteCollection {
    let sandbox: Sandbox

    func boot(routes: any RoutesBuilder) throws {
        let maxBody = sandbox.configuration.limits.maxBodyBytes
        routes.wechat(.GET, "cgi-bin", "user", "info", maxBody: maxBody, use: info)
    }

    func info(_ req: Request) async throws -> Response {
        let query = try req.apiParameters()
        guard let token = query.nonEmpty("access_token") else { throw WeChatAPIError.accessTokenMissing }
        let now = await sandbox.clock.now()
        let app = try await sandbox.state.serverTokenApp(token, now: now)
        guard let openID = query.nonEmpty("openid") else { throw WeChatAPIError.openIDMissing }
        let info = try await sandbox.state.followerInfo(app: app, openID: openID)
        return WeChatReply.json(info, family: .cgi)
    }
}
