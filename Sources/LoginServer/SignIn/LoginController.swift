import Vapor
import WeChatKit

/// `GET /login`: picks the WeChat flow for this browser, mints a new browser binding, and sends the person to
/// WeChat (or to our page that frames WeChat's QR code).
struct LoginController: RouteCollection {
    let flow: SignInFlow
    let configuration: LoginServerConfiguration
    /// Follow-to-sign-in (the official account's QR code on a PC page), when `PC_LOGIN` offers it (or in sandbox
    /// mode, with `mode=follow`) and the official account's server endpoint is configured.
    var followLogin: FollowLogin? = nil

    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: login)
    }

    func login(req: Request) async throws -> Response {
        let returnTo = ReturnTo.orHome(req.queryValue("return_to"))
        let kind = clientKind(req)
        // A new binding for every login, kept beside the browser's recent (server-signed) ones.
        let cookieName = configuration.cookieName(BrowserBindingCookie.baseName)
        let binding = BrowserBinding.random()
        let bindings = BrowserBindingCookie(request: req, name: cookieName, key: configuration.bindingKey)
            .adding(binding)
        let pcChoice = kind == .other ? pcLogin(req) : nil
        if pcChoice == .choice, let followLogin {
            return try await beginBoth(req, followLogin, returnTo: returnTo, binding: binding, bindings: bindings,
                                       cookieName: cookieName)
        }
        if pcChoice == .follow, let followLogin {
            return try await beginFollowLogin(req, followLogin, returnTo: returnTo, binding: binding, bindings: bindings,
                                              cookieName: cookieName)
        }
        let loginFlow: LoginFlow = switch kind {
        case .weChat: .officialAccount
        case .other: req.queryValue("mode") == "inline" ? .websiteInline : .website
        }
        let start = SignInFlow.Start(
            flow: loginFlow, scope: req.queryValue("scope") == "snsapi_base" ? .snsapiBase : .snsapiUserinfo,
            returnTo: returnTo, language: req.language == .english ? .english : .chinese, binding: binding)
        let response: Response
        do {
            switch try await flow.begin(start, on: req.db) {
            case .redirect(let url): response = req.redirect(to: url)
            case .inlineFrame(let url): response = InlineLoginPage.response(req, frameURL: url, returnTo: returnTo)
            }
        } catch let unavailable as SignInFlow.Unavailable {
            throw Abort(.serviceUnavailable, reason: "\(unavailable)")
        }
        response.cookies[cookieName] = bindings.cookie(
            key: configuration.bindingKey, secure: configuration.isHTTPS,
            lifetime: configuration.stateLifetime + configuration.callbackRepeatWindow)
        req.logger.info("login started", metadata: ["flow": "\(kind.rawValue)", "return_to": "\(returnTo.path)"])
        return response
    }

    /// What a PC browser gets at `/login`.
    enum PCChoice { case website, follow, choice }

    /// `PC_LOGIN` and the page's `mode`: `mode=follow` asks for the official account's QR code, `mode=qr` or
    /// `mode=inline` for the website app's; without one, `official-account` shows the account's code and `both` the
    /// choice. Sandbox mode keeps the website flow as `/login`'s default (what the walks and the benchmark expect)
    /// but offers `mode=follow` too, so the follow-login can be shown against the embedded sandbox.
    func pcLogin(_ req: Request) -> PCChoice {
        let mode = req.queryValue("mode")
        let followOffered = followLogin != nil && (configuration.pcLogin.offersFollowLogin || configuration.sandboxMode)
        if mode == "follow", followOffered { return .follow }
        if mode == "qr" || mode == "inline" { return .website }
        switch configuration.pcLogin {
        case .website: return .website
        case .officialAccount: return followLogin == nil ? .website : .follow
        case .both: return followLogin == nil ? .website : .choice
        }
    }

    /// Makes the page's one-time scene (one `qrcode/create` call: `/login`'s rate limit per client applies) and
    /// shows the account's QR code.
    private func beginFollowLogin(_ req: Request, _ followLogin: FollowLogin, returnTo: ReturnTo,
                                  binding: BrowserBinding, bindings: BrowserBindingCookie,
                                  cookieName: String) async throws -> Response {
        let started = try await startScene(req, followLogin, returnTo: returnTo, binding: binding)
        let response = FollowLoginPages.qrPage(req, scene: started.scene, qrURL: started.qrURL,
                                               accountName: configuration.officialAccountName, returnTo: returnTo)
        response.cookies[cookieName] = followCookie(bindings)
        req.logger.info("login started", metadata: ["flow": "\(FollowLogin.eventFlowName)", "return_to": "\(returnTo.path)"])
        return response
    }

    /// `PC_LOGIN=both`: the account's QR code and the website app's inline QR frame on one page, both under this
    /// login's one binding (a scene and a state; whichever the person scans signs the browser in, the other expires
    /// unused). A half WeChat cannot start now is left out, the page's links stay.
    private func beginBoth(_ req: Request, _ followLogin: FollowLogin, returnTo: ReturnTo, binding: BrowserBinding,
                           bindings: BrowserBindingCookie, cookieName: String) async throws -> Response {
        let started: FollowLogin.Started?
        do {
            started = try await startScene(req, followLogin, returnTo: returnTo, binding: binding)
        } catch let abort as Abort where abort.status == .serviceUnavailable {
            started = nil
        }
        let follow = started.map {
            FollowLoginPages.widget(req, scene: $0.scene, qrURL: $0.qrURL, accountName: configuration.officialAccountName,
                                    again: "/login?return_to=" + LoginLinks.encode(returnTo.path), embed: nil)
        }
        var frameURL: String?
        do {
            let start = SignInFlow.Start(
                flow: .websiteInline, scope: .snsapiUserinfo, returnTo: returnTo,
                language: req.language == .english ? .english : .chinese, binding: binding)
            if case .inlineFrame(let url) = try await flow.begin(start, on: req.db) { frameURL = url }
        } catch let unavailable as SignInFlow.Unavailable {
            req.logger.warning("website app's inline QR not shown", metadata: ["reason": "\(unavailable)"])
        }
        guard follow != nil || frameURL != nil else {
            throw Abort(.serviceUnavailable, reason: req.language.pick(
                "暂时无法生成二维码，请稍后再试", "No QR code could be made; try again shortly"))
        }
        let response = FollowLoginPages.bothPage(req, returnTo: returnTo, accountName: configuration.officialAccountName,
                                                 follow: follow, frameURL: frameURL)
        response.cookies[cookieName] = followCookie(bindings)
        req.logger.info("login started", metadata: ["flow": "both", "return_to": "\(returnTo.path)"])
        return response
    }

    /// A new scene for the account's QR code; WeChat's refusal becomes a 503 in the page's language.
    private func startScene(_ req: Request, _ followLogin: FollowLogin, returnTo: ReturnTo,
                            binding: BrowserBinding) async throws -> FollowLogin.Started {
        do {
            return try await followLogin.begin(binding: binding, returnTo: returnTo, on: req.db)
        } catch let error as WeChatError {
            req.logger.error("follow-login QR code not created", metadata: [
                "errcode": "\(error.code?.rawValue ?? 0)", "error": "\(error)",
            ])
            throw Abort(.serviceUnavailable, reason: req.language.pick(
                "暂时无法生成公众号二维码，请稍后再试", "The official account's QR code could not be made; try again shortly"))
        }
    }

    /// The binding cookie of a page with a scene: it lives as long as the scene may still complete.
    private func followCookie(_ bindings: BrowserBindingCookie) -> HTTPCookies.Value {
        bindings.cookie(
            key: configuration.bindingKey, secure: configuration.isHTTPS,
            lifetime: max(configuration.stateLifetime,
                          TimeInterval(configuration.followLogin.qrLifetime) + configuration.followLogin.completionGrace)
                + configuration.callbackRepeatWindow)
    }

    /// WeChat's browser by its user agent; in sandbox mode `client=wechat` also asks for the in-WeChat flow, so a
    /// person on a desktop can walk it against the sandbox (there is no real WeChat browser to open it in).
    func clientKind(_ req: Request) -> ClientKind {
        if configuration.sandboxMode, req.queryValue("client") == "wechat" { return .weChat }
        return ClientKind(userAgent: req.headers.first(name: .userAgent))
    }
}

/// The PC page that embeds WeChat's QR in an iframe (what `wxLogin.js` builds), instead of leaving for WeChat.
enum InlineLoginPage {
    static func response(_ req: Request, frameURL: String, returnTo: ReturnTo) -> Response {
        let language = req.language
        // The same sign-in on WeChat's own page, keeping where it leads.
        let ownPage = "/login?mode=qr&return_to=" + LoginLinks.encode(returnTo.path)
        let body: HTML = """
        <p>\(language.pick("请使用微信扫描二维码登录", "Scan the QR code with WeChat to sign in"))</p>
        <div id="wechat-qr"><iframe src="\(frameURL)" width="300" height="400" scrolling="no" \
        allow="local-network-access" title="WeChat QR"></iframe></div>
        <p class="muted"><a href="\(ownPage)">\(language.pick("在新页面打开二维码", "Open the QR code on its own page"))</a></p>
        """
        // This page frames WeChat's; its own framing protection (X-Frame-Options, frame-ancestors) stays.
        return Page(req, title: language.pick("微信扫码登录", "Sign in with WeChat"), body: body).response(req)
    }
}
