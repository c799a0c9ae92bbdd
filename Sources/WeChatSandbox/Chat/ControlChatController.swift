import Foundation
import Vapor

/// A follower's chat in the control API: `POST users/{user}/chat/{appid}` with `{"text"}` or `{"click"}` (waits for
/// the first delivery attempt and answers the push record with the passive reply) and `GET` the same path (the chat).
struct ControlChatController: RouteCollection {
    let sandbox: Sandbox

    struct Body: Decodable {
        var text: String?
        var click: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.post("users", ":user", "chat", ":appid", use: send)
        routes.get("users", ":user", "chat", ":appid", use: show)
    }

    func send(_ req: Request) async throws -> Response {
        let body = try req.controlBody(Body.self)
        let id = req.parameters.get("user") ?? ""
        let appID = req.parameters.get("appid") ?? ""
        guard await sandbox.state.users[id] != nil, await sandbox.app(appID) != nil else {
            return ControlReply.error(.notFound, "unknown user or app")
        }
        let action: ChatAction
        switch (body.text, body.click) {
        case (let text?, nil): action = .text(text)
        case (nil, let key?): action = .click(key)
        default: return ControlReply.error(.badRequest, #"give exactly one of {"text"} and {"click"}"#)
        }
        do {
            return ControlReply.json(try await sandbox.chat(action, userID: id, appID: appID, client: req.application.client))
        } catch .notFollowing {
            return ControlReply.error(.forbidden, "the user does not follow this official account")
        } catch .invalidText {
            return ControlReply.error(.badRequest, "text must be 1-\(ChatAction.maximumTextLength) characters")
        } catch {
            return ControlReply.error(.badRequest, "the account's menu has no click button with this key")
        }
    }

    func show(_ req: Request) async throws -> Response {
        let id = req.parameters.get("user") ?? ""
        let appID = req.parameters.get("appid") ?? ""
        guard await sandbox.state.users[id] != nil, await sandbox.app(appID) != nil else {
            return ControlReply.error(.notFound, "unknown user or app")
        }
        return ControlReply.json(await sandbox.state.chat(appID: appID, userID: id))
    }
}
