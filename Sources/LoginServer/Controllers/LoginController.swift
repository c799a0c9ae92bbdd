import Vapor
import WeChatKit
import WeChatVapor

/// `GET /login`: picks the WeChat flow for this browser, stores a fresh `state`, and sends the person to WeChat.
struct LoginController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("login", use: login)
    }

    func login(req: Request) async throws -> Response {
        let returnTo = ReturnTo.orHome(req.queryValue("return_to"))
        let kind = Self.clientKind(req)
        let context = req.login
        // A new binding for every login, kept beside the browser's recent (server-signed) ones.
        let configuration = context.configuration
        let cookieName = configuration.cookieName(BrowserBindingCookie.baseName)
        let binding = BrowserBinding.random()
        let bindings = BrowserBindingCookie(request: req, name: cookieName, key: configuration.bindingKey)
            .adding(binding)
        let state = OAuthState.random()

        let response: Response
        switch kind {
        case .weChat:
            let client = try req.wechat.requireOfficialAccount()
            let scope: OAuthScope = req.queryValue("scope") == "snsapi_base" ? .snsapiBase : .snsapiUserinfo
            try await req.loginStates.create(
                state: state, binding: binding, appID: client.credentials.appID, flow: .officialAccount, scope: scope,
                returnTo: returnTo, lifetime: context.configuration.stateLifetime)
            let url = client.officialAccountAuthorizationURL(
                redirectURI: context.configuration.callbackURL, scope: scope, state: state)
            response = req.redirect(to: url)
        case .other:
            let client = try req.wechat.requireWebsite()
            let inline = req.queryValue("mode") == "inline"
            try await req.loginStates.create(
                state: state, binding: binding, appID: client.credentials.appID,
                flow: inline ? .websiteInline : .website, scope: .snsapiLogin, returnTo: returnTo,
                lifetime: context.configuration.stateLifetime)
            if inline {
                let frame = client.inlineQRLogin(
                    containerID: "wechat-qr", redirectURI: context.configuration.callbackURL, state: state,
                    selfRedirect: false)
                response = InlineLoginPage.response(
                    req, frameURL: frame.frameURL(endpoint: client.configuration.endpoint))
            } else {
                let language: QRConnectLanguage = req.language == .english ? .english : .chinese
                response = req.redirect(to: client.qrConnectURL(
                    redirectURI: context.configuration.callbackURL, state: state, language: language))
            }
        }
        response.cookies[cookieName] = bindings.cookie(
            key: configuration.bindingKey, secure: configuration.isHTTPS,
            lifetime: configuration.stateLifetime + configuration.callbackRepeatWindow)
        req.logger.info("login started", metadata: ["flow": "\(kind.rawValue)", "return_to": "\(returnTo.path)"])
        return response
    }
}

extension LoginController {
    /// WeChat's browser by its user agent; in sandbox mode `client=wechat` also asks for the in-WeChat flow, so a
    /// person on a desktop can walk it against the sandbox (there is no real WeChat browser to open it in).
    static func clientKind(_ req: Request) -> ClientKind {
        if req.login.configuration.sandboxMode, req.queryValue("client") == "wechat" { return .weChat }
        return ClientKind(userAgent: req.headers.first(name: .userAgent))
    }
}

/// The PC page that embeds WeChat's QR in an iframe (what `wxLogin.js` builds), instead of leaving for WeChat.
enum InlineLoginPage {
    static func response(_ req: Request, frameURL: String) -> Response {
        let language = req.language
        let body: HTML = """
        <p>\(language.pick("请使用微信扫描二维码登录", "Scan the QR code with WeChat to sign in"))</p>
        <div id="wechat-qr"><iframe src="\(frameURL)" width="300" height="400" scrolling="no" \
        allow="local-network-access" title="WeChat QR"></iframe></div>
        <p class="muted"><a href="/login?return_to=/">\(language.pick("在新页面打开二维码", "Open the QR code on its own page"))</a></p>
        """
        // This page frames WeChat's QR; it keeps the pages' own framing protection (no one may frame it).
        return Page(req, title: language.pick("微信扫码登录", "Sign in with WeChat"), body: body).response(req)
    }
}
