import Foundation
import Vapor

/// `cgi-bin/token` and `cgi-bin/stable_token` (spec §7).
struct ServerTokenController: RouteCollection {
    let sandbox: Sandbox

    func boot(routes: any RoutesBuilder) throws {
        let maxBody = sandbox.configuration.limits.maxBodyBytes
        routes.wechat(.GET, "cgi-bin", "token", maxBody: maxBody, use: token)
        routes.wechat(.POST, "cgi-bin", "stable_token", maxBody: maxBody, use: stableToken)
    }

    func token(_ req: Request) async throws -> Response {
        let query = try req.apiParameters()
        try await sandbox.state.checkIPWhitelist(appID: query.nonEmpty("appid"), caller: req.remoteAddress?.ipAddress)
        guard let appID = query.nonEmpty("appid") else { throw WeChatAPIError.appIDMissing }
        guard let secret = query.nonEmpty("secret") else { throw WeChatAPIError.appSecretMissing }
        guard query["grant_type"] == "client_credential" else { throw WeChatAPIError.invalidGrantType }
        let now = await sandbox.clock.now()
        let view = try await sandbox.state.fetchToken(appID: appID, secret: secret, now: now)
        return WeChatReply.json(view, family: .cgi)
    }

    func stableToken(_ req: Request) async throws -> Response {
        let object = try req.jsonObjectBody()
        try await sandbox.state.checkIPWhitelist(appID: object["appid"] as? String, caller: req.remoteAddress?.ipAddress)
        guard let appID = object["appid"] as? String, !appID.isEmpty else { throw WeChatAPIError.appIDMissing }
        guard let secret = object["secret"] as? String, !secret.isEmpty else { throw WeChatAPIError.appSecretMissing }
        guard object["grant_type"] as? String == "client_credential" else { throw WeChatAPIError.invalidGrantType }
        let force: Bool
        switch object["force_refresh"] {
        case nil, is NSNull: force = false
        case let value as Bool: force = value
        default: throw WeChatAPIError.dataFormatError
        }
        let now = await sandbox.clock.now()
        let view = try await sandbox.state.fetchStableToken(appID: appID, secret: secret, force: force, now: now)
        return WeChatReply.json(view, family: .cgi)
    }
}

extension Request {
    /// The body as a JSON object: 44002 when empty, 47001 when not a JSON object.
    func jsonObjectBody() throws -> [String: Any] {
        guard let buffer = body.data, buffer.readableBytes > 0 else { throw WeChatAPIError.emptyPostData }
        let data = Data(buffer.readableBytesView)
        guard let object = (try? JSONSerialization.jsonObject(with: data, options: [])) as? [String: Any] else {
            throw WeChatAPIError.dataFormatError
        }
        return object
    }
}
