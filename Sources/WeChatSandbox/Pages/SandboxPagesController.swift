import Foundation
import Vapor

/// Sandbox-only pages: pick the WeChat user (`/sandbox/whoami`), avatars, and each user's phone view.
struct SandboxPagesController: RouteCollection {
    let sandbox: Sandbox

    struct WhoamiForm: Content {
        var user: String
        var `return`: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("sandbox", use: index)
        routes.get("sandbox", "whoami", use: whoami)
        routes.post("sandbox", "whoami", use: choose)
        routes.get("sandbox", "avatar", ":file", use: avatar)
        routes.get("sandbox", "phone", ":user", use: PhonePage(sandbox: sandbox).show)
        routes.post("sandbox", "phone", ":user", "follow", use: PhonePage(sandbox: sandbox).follow)
        routes.get("sandbox", "phone", ":user", "chat", ":appid", use: PhoneChatPage(sandbox: sandbox).show)
        routes.get("sandbox", "phone", ":user", "open", use: PhoneChatPage(sandbox: sandbox).open)
        routes.get("sandbox", "q", ":path", use: PhoneScanPage(sandbox: sandbox).show)
        routes.post("sandbox", "q", ":path", use: PhoneScanPage(sandbox: sandbox).press)
    }

    /// Only local paths, so the page cannot be used as an open redirect.
    static func safeReturn(_ value: String?) -> String {
        guard let value, value.hasPrefix("/"), !value.hasPrefix("//") else { return "/sandbox/whoami" }
        return value
    }

    /// A landing page for humans: the apps (ids only) and each user's phone.
    func index(_ req: Request) async throws -> Response {
        let e = HTML.escape
        let apps = await sandbox.apps().map { "<li>\(e($0.name))：<code>\(e($0.appID))</code>（\($0.kind.rawValue)）</li>" }.joined()
        let users = await sandbox.users().map {
            "<li><a href=\"/sandbox/phone/\(e($0.id))\">\(e($0.nickname))（\(e($0.id))）的手机</a></li>"
        }.joined()
        return HTML.page(title: "微信沙盒", body: """
        <div class="card" style="text-align:left"><h1>微信沙盒</h1><h2>应用</h2><ul>\(apps)</ul>
        <h2>用户</h2><ul>\(users)</ul><p class="muted"><a href="/sandbox/whoami?return=/sandbox">切换当前微信用户</a> ·
        控制接口：<code>/sandbox/api/</code></p></div>
        """)
    }

    func whoami(_ req: Request) async throws -> Response {
        let target = Self.safeReturn(RawQuery(req.url.query)["return"])
        let e = HTML.escape
        let items = await sandbox.users().map { user in
            """
            <li><form method="post" action="/sandbox/whoami"><input type="hidden" name="return" value="\(e(target))">
            <button class="btn no" name="user" value="\(e(user.id))">\(e(user.nickname))（\(e(user.id))）</button></form></li>
            """
        }.joined()
        return HTML.page(title: "选择微信用户", body: """
        <div class="card"><h1>选择沙盒微信用户</h1><p class="muted">模拟当前登录微信的用户</p>
        <ul class="users">\(items)</ul></div>
        """)
    }

    func choose(_ req: Request) async throws -> Response {
        guard let form = try? req.content.decode(WhoamiForm.self), await sandbox.state.users[form.user] != nil else {
            return HTML.cannotAccess("未知的沙盒用户")
        }
        let response = HTML.redirect(Self.safeReturn(form.`return`))
        response.cookies[Sandbox.userCookie] = HTTPCookies.Value(string: form.user, path: "/", isHTTPOnly: true, sameSite: .lax)
        // Picking a user at a desktop is an ordinary browser again, not the phone's web view.
        if req.cookies[Sandbox.entryCookie] != nil {
            response.cookies[Sandbox.entryCookie] = HTTPCookies.Value(
                string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/")
        }
        return response
    }

    func avatar(_ req: Request) async throws -> Response {
        let file = req.parameters.get("file") ?? ""
        let id = file.hasSuffix(".svg") ? String(file.dropLast(4)) : file
        guard let user = await sandbox.state.users[id] else { throw Abort(.notFound) }
        let initial = HTML.escape(String(user.nickname.prefix(1)))
        var hue = 0
        for byte in id.utf8 { hue = (hue &* 31 &+ Int(byte)) % 360 }
        let svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="132" height="132" viewBox="0 0 132 132">\
        <rect width="132" height="132" fill="hsl(\(hue),55%,55%)"/>\
        <text x="66" y="84" font-size="56" fill="#fff" text-anchor="middle">\(initial)</text></svg>
        """
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "image/svg+xml")
        return Response(status: .ok, headers: headers, body: .init(string: svg))
    }
}
