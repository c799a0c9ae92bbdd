import Vapor
import WeChatKit

/// `GET /login`: picks the WeChat flow for this browser, mints a new browser binding, and sends the person to
/// WeChat (or to our page that frames WeChat's QR code).
struct LoginController: RouteCollection {
    let flow: SignInFlow
    let configuration: LoginServerConfiguration

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
            case .inlineFrame(let url): response = InlineLoginPage.response(req, frameURL: url)
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

    /// WeChat's browser by its user agent; in sandbox mode `client=wechat` also asks for the in-WeChat flow, so a
    /// person on a desktop can walk it against the sandbox (there is no real WeChat browser to open it in).
    func clientKind(_ req: Request) -> ClientKind {
        if configuration.sandboxMode, req.queryValue("client") == "wechat" { return .weChat }
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
        // This page frames WeChat's; its own framing protection (X-Frame-Options, frame-ancestors) stays.
        return Page(req, title: language.pick("微信扫码登录", "Sign in with WeChat"), body: body).response(req)
    }
}
