import Vapor
import WeChatKit

/// The embeddable follow-login: `GET /login/follow/embed` (the page for an `<iframe>` on the business's site) and
/// `POST /login/follow/finish` (the top window's first-party request that completes the sign-in). See
/// ``FollowLoginEmbed`` for why the frame carries its binding instead of a cookie.
struct FollowLoginEmbedController: RouteCollection {
    let followLogin: FollowLogin
    let configuration: LoginServerConfiguration
    let sessions: BrowserSession

    func boot(routes: any RoutesBuilder) throws {
        let follow = routes.grouped("login", "follow")
        follow.get("embed", use: embed)
        follow.post("finish", use: finish)
    }

    /// The frame's page: a new scene under a new binding, which only this page holds (signed, in the page).
    func embed(req: Request) async throws -> Response {
        let language = req.language
        guard !configuration.followLoginEmbedOrigins.isEmpty else {
            req.logger.notice("follow-login embed refused: \(LoginServerConfiguration.Variable.followLoginEmbedOrigins) is not set")
            let variable = LoginServerConfiguration.Variable.followLoginEmbedOrigins
            return MessagePage(
                title: language.pick("无法嵌入登录", "The sign-in cannot be embedded"),
                message: language.pick(
                    "本站未允许其他网站嵌入此登录页。网站管理员请在 \(variable) 中列出嵌入它的网站（如 https://www.example.com）。",
                    "This server lets no other site embed this sign-in. Its administrator lists the sites that may in \(variable) (e.g. https://www.example.com)."),
                action: (language.pick("在本站登录", "Sign in here"), "/login?mode=follow")
            ).response(req, status: .forbidden)
        }
        let returnTo = ReturnTo.orHome(req.queryValue("return_to"))
        let binding = BrowserBinding.random()
        let started: FollowLogin.Started
        do {
            started = try await followLogin.begin(binding: binding, returnTo: returnTo, on: req.db)
        } catch let error as WeChatError {
            req.logger.error("follow-login QR code not created", metadata: [
                "errcode": "\(error.code?.rawValue ?? 0)", "error": "\(error)",
            ])
            throw Abort(.serviceUnavailable, reason: language.pick(
                "暂时无法生成公众号二维码，请稍后再试", "The official account's QR code could not be made; try again shortly"))
        }
        let again = "/login/follow/embed?return_to=" + LoginLinks.encode(returnTo.path) + "&lang=" + language.rawValue
        let widget = FollowLoginPages.widget(
            req, scene: started.scene, qrURL: started.qrURL, accountName: configuration.officialAccountName,
            again: again, embed: BrowserBindingCookie(bindings: [binding]).value(key: configuration.bindingKey))
        req.logger.info("login started", metadata: [
            "flow": "\(FollowLogin.eventFlowName)", "embed": "true", "return_to": "\(returnTo.path)",
        ])
        return FollowLoginPages.embedPage(req, widget: widget, origins: configuration.followLoginEmbedOrigins)
    }

    /// The frame's form, posted to the top window once the scan arrived: finishes the scene (the same single-use
    /// completion as a status poll) and sets the session in this first-party response, then sends the top window to
    /// where the sign-in leads. Only a form from our own origin (the frame) counts: another site posting a binding
    /// it got for its own scan would sign the visitor into that site's WeChat account (login CSRF).
    func finish(req: Request) async throws -> Response {
        let language = req.language
        let origin = req.headers.first(name: .origin)
        guard let origin, origin == FollowLoginEmbed.publicOrigin(configuration.publicURL) else {
            req.logger.notice("follow-login finish from another origin refused", metadata: ["origin": "\(origin ?? "-")"])
            return MessagePage(title: language.pick("登录未完成", "Sign-in not finished"),
                               message: language.pick("此请求不是来自登录页。", "This request did not come from the sign-in page."),
                               action: MessagePage.retry(req)).response(req, status: .forbidden)
        }
        struct Form: Content { var scene: String?; var binding: String? }
        let form = (try? req.content.decode(Form.self)) ?? Form(scene: nil, binding: nil)
        let bindings = BrowserBindingCookie(cookieValue: form.binding ?? "", key: configuration.bindingKey).bindings
        let result = try await followLogin.poll(
            scene: form.scene ?? "", bindings: bindings, clientAddress: req.clientAddress, hold: .seconds(5),
            on: req.db, logger: req.logger)
        switch result {
        case .completed(.signedIn(let userID, _, let returnTo, let scene)):
            try await sessions.signIn(req, userID: userID, origin: scene)
            return req.redirect(to: returnTo.path, redirectType: .normal)
        case .completed(.needsBinding(let identityID, let returnTo, let scene)):
            try await sessions.setPending(req, identityID: identityID, returnTo: returnTo, origin: scene)
            return req.redirect(to: "/bind", redirectType: .normal)
        case .expired:
            return MessagePage(title: language.pick("二维码已过期", "The QR code has expired"),
                               message: language.pick("请重新扫码登录。", "Scan a new QR code to sign in."),
                               action: MessagePage.retry(req)).response(req, status: .gone)
        case .pending, .scanned:
            return MessagePage(title: language.pick("登录未完成", "Sign-in not finished"),
                               message: language.pick("尚未收到扫码结果，请稍后重试。", "The scan has not arrived yet; try again shortly."),
                               action: MessagePage.retry(req)).response(req, status: .serviceUnavailable)
        case .refused(let refusal):
            req.logger.notice("follow-login finish refused", metadata: ["reason": "\(refusal.rawValue)"])
            return MessagePage(title: language.pick("登录未完成", "Sign-in not finished"),
                               message: language.pick("此二维码已失效，请重新登录。", "This QR code can no longer be used: sign in again."),
                               action: MessagePage.retry(req))
                .response(req, status: refusal == .otherBrowser ? .forbidden : .notFound)
        case .completed(.refused):
            return MessagePage(title: language.pick("登录未完成", "Sign-in not finished"),
                               message: language.pick("此二维码已失效，请重新登录。", "This QR code can no longer be used: sign in again."),
                               action: MessagePage.retry(req)).response(req, status: .notFound)
        }
    }
}
