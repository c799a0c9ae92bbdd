import Foundation
import Vapor

/// A follower's chat view of an official account on the simulated phone: the account's custom menu and links
/// sent in the chat. Opening one of them is "entering from the account's chat or menu" (spec §1.3): a follower's
/// `snsapi_userinfo` authorization is then silent.
struct PhoneChatPage: Sendable {
    let sandbox: Sandbox

    static let entryNote = """
    <p class="muted" id="entry-rule">从本公众号的会话或自定义菜单进入本公众号的网页授权页：已关注的用户即使 scope 为 snsapi_userinfo \
    也静默授权。分享的链接、二维码、其他公众号的会话和浏览器地址栏都是普通入口，仍需同意。<br>
    Opened from this account's chat or menu, a follower's snsapi_userinfo authorization is silent; shared links, \
    QR codes, other accounts' chats and the address bar are ordinary entries and still ask for consent.</p>
    """

    func show(_ req: Request) async throws -> Response {
        let id = req.parameters.get("user") ?? ""
        guard let user = await sandbox.state.users[id], let app = await sandbox.app(req.parameters.get("appid") ?? ""),
              app.kind != .website else { throw Abort(.notFound) }
        let e = HTML.escape
        let following = await sandbox.state.followRecord(appID: app.appID, userID: id)?.subscribed == true
        guard following else {
            return HTML.page(title: app.name, body: """
            <div class="card"><h1>\(e(app.name))</h1><p class="muted">\(e(user.nickname))尚未关注此公众号，关注后才能进入会话。</p>
            <p><a href="/sandbox/phone/\(e(id))">返回手机</a></p>\(Self.entryNote)</div>
            """)
        }
        let chatPath = "/sandbox/phone/\(e(id))/chat/\(e(app.appID))"
        let menu = app.menu.map { item in
            switch item.type {
            case .view:
                "<a class=\"btn no\" href=\"\(e(openPath(user: id, appID: app.appID, from: .menu, url: item.url ?? "")))\">\(e(item.name))</a>"
            case .click:
                """
                <form method="post" action="\(chatPath)/click"><button class="btn no" name="key" value="\(e(item.key ?? ""))">\
                \(e(item.name))</button></form>
                """
            }
        }.joined(separator: " ")
        let lines = await sandbox.state.chat(appID: app.appID, userID: id).map(Self.line).joined()
        return HTML.page(title: app.name, body: """
        <div class="card"><h1>\(e(app.name))</h1><p class="muted">\(e(user.nickname))的会话 · Chat</p>
        <div id="chat">\(lines.isEmpty ? "<p class=\"muted\">暂无消息 · No messages yet</p>" : lines)</div>
        <form method="post" action="\(chatPath)/send"><input name="text" id="text" size="40" maxlength="\(ChatAction.maximumTextLength)"
        placeholder="发消息 · Message"><button class="btn ok" id="send">发送 Send</button></form>
        <form method="get" action="/sandbox/phone/\(e(id))/open"><input type="hidden" name="appid" value="\(e(app.appID))">
        <input type="hidden" name="from" value="chat"><p>会话中的链接（公众号发来的网页或授权链接）：</p>
        <input name="url" size="60" placeholder="https://open.weixin.qq.com/connect/oauth2/authorize?…#wechat_redirect">
        <button class="btn ok">打开</button></form>
        <h2>自定义菜单</h2><nav id="menu">\(menu.isEmpty ? "<p class=\"muted\">未设置菜单（PATCH /sandbox/api/apps/{appid} {\"menu\":[…]}）</p>" : menu)</nav>
        <p><a href="/sandbox/phone/\(e(id))">返回手机</a></p>\(Self.entryNote)</div>
        """)
    }

    /// One chat line: the user's on the right, the account's replies and WeChat's notices on the left.
    static func line(_ entry: ChatEntry) -> String {
        let e = HTML.escape
        let links = (entry.links ?? []).map { "<br><a href=\"\(e($0))\">\(e($0))</a>" }.joined()
        let align = entry.from == "user" ? "right" : "left"
        let who = entry.from == "user" ? "我" : entry.from == "account" ? "公众号" : "微信"
        return "<div class=\"msg chat-\(e(entry.from))\" style=\"text-align:\(align)\"><strong>\(who)</strong> \(e(entry.text))\(links)</div>"
    }

    struct SendForm: Content {
        var text: String
    }

    struct ClickForm: Content {
        var key: String
    }

    /// The chat's send button: pushes the text and comes back to the chat, with the reply when the account's
    /// server answered one within its first attempt.
    func send(_ req: Request) async throws -> Response {
        let text = (try? req.content.decode(SendForm.self))?.text ?? ""
        return try await act(req, .text(text))
    }

    /// A `click` menu button: pushes `Event=CLICK` with its key.
    func click(_ req: Request) async throws -> Response {
        let key = (try? req.content.decode(ClickForm.self))?.key ?? ""
        return try await act(req, .click(key))
    }

    private func act(_ req: Request, _ action: ChatAction) async throws -> Response {
        let id = req.parameters.get("user") ?? ""
        let appID = req.parameters.get("appid") ?? ""
        guard await sandbox.state.users[id] != nil else { throw Abort(.notFound) }
        do {
            _ = try await sandbox.chat(action, userID: id, appID: appID, client: req.application.client)
        } catch .invalidText {
            return HTML.cannotAccess("消息不能为空，最长 \(ChatAction.maximumTextLength) 字 · A message is 1–\(ChatAction.maximumTextLength) characters")
        } catch .unknownButton {
            return HTML.cannotAccess("菜单中没有这个按钮 · No such menu button")
        } catch {
            return HTML.cannotAccess("关注后才能发消息 · Follow the account to chat")
        }
        return HTML.redirect("/sandbox/phone/\(id)/chat/\(appID)")
    }

    /// The phone's in-app browser opening `url` from the account's chat or menu: remembers who and where from (the
    /// web view's cookies), then goes to the authorize link on this sandbox or to one of the business's pages.
    func open(_ req: Request) async throws -> Response {
        let id = req.parameters.get("user") ?? ""
        let query = RawQuery(req.url.query)
        guard await sandbox.state.users[id] != nil, let app = await sandbox.app(query["appid"] ?? ""),
              app.kind != .website else { throw Abort(.notFound) }
        guard let from = AuthorizeEntry(rawValue: query["from"] ?? "link") else {
            return HTML.cannotAccess("from 只能是 link、chat 或 menu")
        }
        let url = query["url"] ?? ""
        if URLComponents(string: url)?.path == "/connect/oauth2/authorize", URLComponents(string: url)?.fragment != "wechat_redirect" {
            return HTML.cannotAccess("链接缺少 #wechat_redirect")
        }
        guard let target = Self.target(url, app: app) else {
            return HTML.cannotAccess("只能打开授权链接或本公众号网页授权域名下的页面")
        }
        let response = HTML.redirect(target)
        response.cookies[Sandbox.userCookie] = HTTPCookies.Value(string: id, path: "/", isHTTPOnly: true, sameSite: .lax)
        response.cookies[Sandbox.entryCookie] = HTTPCookies.Value(
            string: BrowserEntry(entry: from, appID: app.appID).cookieValue, path: "/", isHTTPOnly: true, sameSite: .lax)
        return response
    }

    /// Where the phone goes: an authorize link (any host, as WeChat's own) on this sandbox, else a page on the
    /// account's web-auth domain or one of its menu's URLs; nothing else, so this is no open redirect.
    static func target(_ url: String, app: SandboxConfiguration.App) -> String? {
        guard let components = URLComponents(string: url) else { return nil }
        if components.path == "/connect/oauth2/authorize" {
            return "/connect/oauth2/authorize" + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        }
        let listed = app.menu.contains { $0.url == url }
        guard listed || Sandbox.hostMatches(url, domain: app.webAuthDomain) else { return nil }
        return url
    }

    func openPath(user: String, appID: String, from: AuthorizeEntry, url: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encode = { (value: String) in value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return "/sandbox/phone/\(encode(user))/open?appid=\(encode(appID))&from=\(from.rawValue)&url=\(encode(url))"
    }
}
