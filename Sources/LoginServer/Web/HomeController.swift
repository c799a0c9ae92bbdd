import Fluent
import Vapor

/// `/`: the site's front page, with the sign-in buttons; and `/dev/outbox` in sandbox mode.
struct HomeController: RouteCollection {
    let sessions: BrowserSession
    let sandboxMode: Bool
    /// The embedded sandbox's base URL, in sandbox mode.
    let sandboxURL: String?
    /// Whether `/login?mode=follow` (follow-to-sign-in) is served: a PC visitor gets a link to it.
    var followLoginOffered = false
    /// The OpenID Connect issuer, for the card that says how an app connects.
    let issuer: String

    func boot(routes: any RoutesBuilder) throws {
        routes.get(use: home)
        routes.get("dev", "outbox", use: outbox)
        routes.get("dev", "outbox.json", use: outboxJSON)
    }

    func home(req: Request) async throws -> Response {
        let language = req.language
        let signedIn = sessions.userID(req) != nil
        let inWeChat = ClientKind(userAgent: req.headers.first(name: .userAgent)) == .weChat
        var body: HTML
        if signedIn {
            body = "<p><a class=\"button\" href=\"/account\">\(language.pick("我的账号", "My account"))</a></p>"
        } else if inWeChat {
            body = """
            <p><a class="button" href="/login?return_to=/account">\(language.pick("微信授权登录", "Sign in with WeChat"))</a></p>
            <p><a href="/login?return_to=/account&amp;scope=snsapi_base">\(language.pick("静默登录（仅 openid）", "Silent sign-in (openid only)"))</a></p>
            """
        } else {
            body = """
            <p><a class="button" href="/login?return_to=/account">\(language.pick("微信扫码登录", "Sign in with WeChat"))</a></p>
            <p><a href="/login?return_to=/account&amp;mode=inline">\(language.pick("在本页显示二维码", "Show the QR code on this page"))</a></p>
            """
            if followLoginOffered {
                body = """
                \(body)<p><a href="/login?return_to=/account&amp;mode=follow">\(language.pick("关注公众号扫码登录", "Scan the official account's QR code and follow to sign in"))</a></p>
                """
            }
        }
        if sandboxMode, let sandbox = sandboxURL {
            body = """
            \(body)<div class="card"><strong>\(language.pick("沙箱模式", "Sandbox mode"))</strong>
            <p class="muted">\(language.pick("未配置微信凭据，正在使用内置的微信沙箱。", "No WeChat credentials are configured: the embedded WeChat sandbox stands in."))</p>
            <ul><li><a href="\(sandbox)/sandbox/">\(language.pick("沙箱首页（模拟手机、用户）", "Sandbox home (simulated phones and users)"))</a></li>
            <li><a href="/login?return_to=/account&amp;client=wechat">\(language.pick("模拟在微信内打开：公众号网页授权登录", "As if inside WeChat: official-account authorization"))</a></li>
            <li><a href="/dev/outbox">\(language.pick("验证码发件箱", "Code outbox"))</a></li></ul></div>
            """
        }
        let discovery = issuer + "/.well-known/openid-configuration"
        body = """
        \(body)<div class="card"><strong>\(language.pick("让你的应用用微信登录（OpenID Connect）", "Sign your apps in with WeChat (OpenID Connect)"))</strong>
        <p class="muted">\(language.pick(
            "用管理令牌向 /oauth/register 注册应用（RFC 7591），再把任意 OpenID Connect 库指向发现地址：",
            "Register the app at /oauth/register with the admin token (RFC 7591), then point any OpenID Connect library at the discovery URL:"))</p>
        <p><code>\(discovery)</code></p></div>
        """
        return Page(req, title: language.pick("微信登录示例站", "Sign in with WeChat"), body: body).response(req)
    }

    private func requireSandboxMode(_ req: Request) throws {
        guard sandboxMode else { throw Abort(.notFound) }
    }

    func outbox(req: Request) async throws -> Response {
        try requireSandboxMode(req)
        let language = req.language
        let messages = try await OutboxStore(database: req.db).recent()
        let rows: [HTML] = messages.map { message in
            "<div class=\"card\"><strong>\(message.destination)</strong><div>\(message.body)</div></div>"
        }
        let empty: HTML = messages.isEmpty ? "<p class=\"muted\">\(language.pick("还没有消息。", "No messages yet."))</p>" : ""
        let body: HTML = "<p class=\"muted\">\(language.pick("开发用：验证码不会真正发出，显示在这里。", "Development only: codes are not really sent; they appear here."))</p>\(empty)\(rows)"
        return Page(req, title: language.pick("验证码发件箱", "Code outbox"), body: body).response(req)
    }

    struct OutboxEntry: Content {
        var channel: String
        var destination: String
        var body: String
        var code: String?
        var createdAt: String?
    }

    func outboxJSON(req: Request) async throws -> [OutboxEntry] {
        try requireSandboxMode(req)
        let destination = req.queryValue("destination").flatMap { ContactAddress($0)?.value }
        return try await OutboxStore(database: req.db).recent(to: destination).map { message in
            let code = message.body.split(whereSeparator: { !$0.isNumber }).first { $0.count == 6 }.map(String.init)
            return OutboxEntry(channel: message.channel, destination: message.destination, body: message.body,
                               code: code, createdAt: message.createdAt?.formatted(.iso8601))
        }
    }
}
