import Foundation
import Vapor

/// `cgi-bin/message/template/send` (spec §9).
struct TemplateController: RouteCollection {
    let sandbox: Sandbox

    struct SendBody: Encodable {
        let errcode: Int
        let errmsg: String
        let msgid: Int64
    }

    func boot(routes: any RoutesBuilder) throws {
        let maxBody = sandbox.configuration.limits.maxBodyBytes
        routes.wechat(.POST, "cgi-bin", "message", "template", "send", maxBody: maxBody, use: send)
    }

    func send(_ req: Request) async throws -> Response {
        let query = try req.apiParameters()
        guard let token = query.nonEmpty("access_token") else { throw WeChatAPIError.accessTokenMissing }
        let now = await sandbox.clock.now()
        let app = try await sandbox.state.serverTokenApp(token, now: now)
        let request = try Self.parse(req.jsonObjectBody())
        let outcome = try await sandbox.state.sendTemplate(app: app, request: request, now: now)
        if let status = outcome.pushStatus {
            await sandbox.pushes.dispatch(
                appID: app.appID, userID: outcome.userID, kind: .templateSendJobFinish(msgID: outcome.msgID, status: status),
                client: req.application.client)
        }
        return WeChatReply.json(SendBody(errcode: 0, errmsg: "ok", msgid: outcome.msgID), family: .cgi)
    }

    /// Validates the body shape: 40003 touser, 40037 template_id, 47003 data.
    static func parse(_ object: [String: Any]) throws(WeChatAPIError) -> TemplateSendRequest {
        guard let touser = object["touser"] as? String, !touser.isEmpty else { throw .invalidOpenID }
        guard let templateID = object["template_id"] as? String, !templateID.isEmpty else { throw .invalidTemplateID }
        guard let rawData = object["data"] as? [String: Any] else { throw .argumentInvalid(nil) }
        var data: [String: String] = [:]
        for (key, entry) in rawData {
            guard let fields = entry as? [String: Any], let value = fields["value"] as? String else {
                throw .argumentInvalid(key)
            }
            data[key] = value
        }
        return TemplateSendRequest(
            touser: touser, templateID: templateID, url: object["url"] as? String,
            clientMsgID: (object["client_msg_id"] as? String).flatMap { $0.isEmpty ? nil : $0 }, data: data)
    }
}
