import Fluent
import Vapor

/// 注销 by the person: the account page's form (`/account/delete`, CSRF form field) and the JSON API
/// (`POST /api/me/delete`, CSRF header). Both ask for a WeChat sign-in within `accountDeleteReauth` and a typed
/// confirmation, then go through ``AccountDeletion``.
struct AccountDeletionController: RouteCollection {
    let sessions: BrowserSession

    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", "delete", use: form)
        routes.post("account", "delete", use: delete)
        routes.post("api", "me", "delete", use: apiDelete)
    }

    private struct DeleteForm: Content {
        var confirmation: String?
        var csrf: String?
    }

    private struct APIDeleteRequest: Content {
        var confirmation: String?
    }

    private static let path = "/account/delete"

    /// Whether the session's sign-in is recent enough to delete the account.
    private func isFresh(_ req: Request) -> Bool {
        guard let signedIn = sessions.signedIn(req) else { return false }
        return AccountDeletion.isFresh(signedInAt: signedIn.at, now: sessions.clock.now(),
                                       window: sessions.configuration.accountDeleteReauth)
    }

    private var minutes: Int { max(1, Int((sessions.configuration.accountDeleteReauth / 60).rounded())) }

    // MARK: The account page

    func form(req: Request) async throws -> Response {
        _ = try await sessions.requireUser(req)
        return page(req, error: nil, status: .ok)
    }

    func delete(req: Request) async throws -> Response {
        let user = try await sessions.requireUser(req)
        let body = try req.content.decode(DeleteForm.self)
        try BrowserSession.checkCSRF(req, submitted: body.csrf)
        let language = req.language
        guard isFresh(req) else {
            req.logger.info("account deletion refused", metadata: ["reason": "stale sign-in"])
            return MessagePage(
                title: language.pick("请重新登录", "Sign in again"),
                message: language.pick("为确认是你本人，注销账号前请在 \(minutes) 分钟内重新用微信登录。",
                                       "To make sure it is you, sign in with WeChat again (within \(minutes) minutes) before deleting your account."),
                action: MessagePage.retry(req, returnTo: Self.path)).response(req, status: .forbidden)
        }
        guard AccountDeletion.confirms(body.confirmation) else {
            req.logger.info("account deletion refused", metadata: ["reason": "confirmation"])
            return page(req, error: language.pick("请输入「注销」或 DELETE 以确认。", "Type 注销 or DELETE to confirm."),
                        status: .badRequest)
        }
        do {
            let deleted = try await AccountDeletion(database: req.db).delete(
                userID: try user.requireID(), actor: req.eventActor(.person), now: sessions.clock.now())
            Self.log(req, deleted, actor: .person)
        } catch is AccountDeletion.NotFound {
            req.logger.info("account deletion found no account")
        }
        let response = MessagePage(
            title: language.pick("账号已注销", "Account deleted"),
            message: language.pick("你的账号和我们保存的个人信息已删除。再次用微信登录将注册一个新账号。",
                                   "Your account and the personal information we held are deleted. Signing in with WeChat again starts a new account."),
            action: (language.pick("返回首页", "Home"), "/")).response(req, status: .ok)
        sessions.signOut(req, response)
        return response
    }

    private func page(_ req: Request, error: String?, status: HTTPResponseStatus) -> Response {
        let language = req.language
        let errorHTML: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? ""
        let action: HTML
        if isFresh(req) {
            action = """
            <form method="post" action="\(Self.path)" class="card">
            <input type="hidden" name="csrf" value="\(BrowserSession.csrfToken(req))">
            <label for="confirmation">\(language.pick("输入「注销」或 DELETE 以确认", "Type 注销 or DELETE to confirm"))</label>
            <input id="confirmation" name="confirmation" autocomplete="off" required maxlength="20">
            <button class="danger" type="submit">\(language.pick("永久注销我的账号", "Delete my account for good"))</button></form>
            """
        } else {
            action = """
            <p>\(language.pick("为确认是你本人，请先重新用微信登录（\(minutes) 分钟内有效），之后会回到这里。",
                "To make sure it is you, first sign in with WeChat again (valid for \(minutes) minutes); you will come back here."))</p>
            <p><a class="button" href="\(LoginLinks.login(returnTo: Self.path))">\(language.pick("重新登录", "Sign in again"))</a></p>
            """
        }
        let body: HTML = """
        \(errorHTML)
        <p>\(language.pick("注销后，你的账号、手机号、邮箱、已绑定的微信身份和微信授权、登录会话、未发送的消息，以及各应用通过本服务获得的登录凭证都会被删除，且无法恢复。",
            "Deleting removes your account, phone, email, linked WeChat identities and WeChat authorizations, sessions, messages not yet sent, and the sign-ins apps got through this service. It cannot be undone."))</p>
        <p class="muted">\(language.pick("保留（不含个人信息）：一条账号已注销的记录，以及已发送消息的数量。",
            "Kept, without personal information: a record that the account was deleted, and how many messages were sent."))</p>
        \(action)
        <p><a href="/account">\(language.pick("返回我的账号", "Back to my account"))</a></p>
        """
        return Page(req, title: language.pick("注销账号", "Delete my account"), body: body).response(req, status: status)
    }

    // MARK: The JSON API

    func apiDelete(req: Request) async throws -> Response {
        guard let id = sessions.userID(req), try await UserStore(database: req.db).exists(id) else {
            throw Abort(.unauthorized, reason: "Not signed in.")
        }
        try BrowserSession.checkCSRFHeader(req)
        guard isFresh(req) else {
            throw Abort(.forbidden, reason: "Sign in with WeChat again: deleting the account needs a sign-in within the last \(Int(sessions.configuration.accountDeleteReauth)) seconds.")
        }
        guard AccountDeletion.confirms(try? req.content.decode(APIDeleteRequest.self).confirmation) else {
            throw Abort(.badRequest, reason: "confirmation must be \"DELETE\" (or \"注销\").")
        }
        do {
            let deleted = try await AccountDeletion(database: req.db).delete(
                userID: id, actor: req.eventActor(.person), now: sessions.clock.now())
            Self.log(req, deleted, actor: .person)
        } catch is AccountDeletion.NotFound {
            throw Abort(.unauthorized, reason: "Not signed in: this account was deleted.")
        }
        let response = Response(status: .noContent)
        sessions.signOut(req, response)
        return response
    }

    static func log(_ req: Request, _ deleted: AccountDeletion.Deleted, actor: EventActor.Kind) {
        req.logger.notice("account deleted", metadata: [
            "user_id": "\(deleted.userID)", "actor": "\(actor.rawValue)", "identities": "\(deleted.identities)",
            "sessions": "\(deleted.sessions)", "cancelled_messages": "\(deleted.cancelledMessages)",
            "revoked_tokens": "\(deleted.revokedTokens)"])
    }
}
