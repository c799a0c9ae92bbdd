import Vapor

/// The account page.
enum AccountPage {
    static func response(_ req: Request, user: User, identities: [WeChatIdentity], notice: String?,
                         error: String? = nil, status: HTTPResponseStatus = .ok) -> Response {
        let language = req.language
        let csrf = BrowserSession.csrfToken(req)
        let noticeText: String? = switch notice {
        case "unbound": language.pick("已解绑。", "Unlinked.")
        case "refreshed": language.pick("资料已更新。", "Profile refreshed.")
        case "contact_changed": language.pick("手机号或邮箱已更改，原地址已收到通知。", "Your phone or email was changed; the old address was notified.")
        case "reauthorize": language.pick("微信授权已失效，请重新用微信登录。", "WeChat authorization expired: sign in with WeChat again.")
        default: nil
        }
        let noticeHTML: HTML = noticeText.map { "<p role=\"status\">\($0)</p>" } ?? ""
        let errorHTML: HTML = error.map { "<p class=\"error\" role=\"alert\">\($0)</p>" } ?? ""
        let cards = identities.map { identity in
            identityCard(identity, language: language, csrf: csrf, canUnbind: identities.count > 1)
        }
        let contact = [user.phone, user.email].compactMap { $0 }.joined(separator: " · ")
        let body: HTML = """
        \(noticeHTML)\(errorHTML)
        <div class="card"><strong>\(user.displayName ?? language.pick("未命名用户", "Unnamed user"))</strong>
        <div class="muted">\(contact)</div></div>
        <form method="post" action="/account/contact/code" class="card">
        <input type="hidden" name="csrf" value="\(csrf)">
        <label for="contact">\(language.pick("更改手机号或邮箱（验证码发往新地址）", "Change your phone or email (a code goes to the new address)"))</label>
        <input id="contact" name="contact" autocomplete="email tel" required maxlength="254" placeholder="13800138000 / you@example.com">
        <button class="secondary" type="submit">\(language.pick("获取验证码", "Send code"))</button></form>
        <h2>\(language.pick("已绑定的微信", "Linked WeChat identities"))</h2>
        \(cards)
        <h2>\(language.pick("我的数据", "My data"))</h2>
        <form method="post" action="/account/export"><input type="hidden" name="csrf" value="\(csrf)">
        <p class="muted">\(language.pick("下载我们保存的关于你的全部信息（JSON 文件）。",
            "Download everything we hold about you (a JSON file)."))</p>
        <button class="secondary" type="submit">\(language.pick("下载我的数据", "Download my data"))</button></form>
        <h2>\(language.pick("注销账号", "Delete my account"))</h2>
        <p class="muted">\(language.pick("删除账号及我们保存的个人信息，无法恢复。", "Remove the account and the personal information we hold. This cannot be undone."))
        <a href="/account/delete">\(language.pick("注销账号…", "Delete my account…"))</a></p>
        <form method="post" action="/logout"><input type="hidden" name="csrf" value="\(csrf)">
        <button class="secondary" type="submit">\(language.pick("退出登录", "Sign out"))</button></form>
        """
        return Page(req, title: language.pick("我的账号", "My account"), body: body).response(req, status: status)
    }

    private static func identityCard(_ identity: WeChatIdentity, language: Language, csrf: String, canUnbind: Bool) -> HTML {
        let id = identity.id?.uuidString ?? ""
        let kind = identity.appKind == AppKind.officialAccount.rawValue
            ? language.pick("公众号（微信内登录）", "Official account (in WeChat)")
            : language.pick("网站应用（扫码登录）", "Website app (QR login)")
        let avatar: HTML = identity.avatarURL.map {
            "<img src=\"\($0)\" alt=\"\" width=\"40\" height=\"40\" style=\"border-radius:4px;vertical-align:middle\"> "
        } ?? ""
        let reauth: HTML = identity.needsReauthorization
            ? "<div class=\"error\">\(language.pick("授权已失效，请重新用微信登录", "Authorization expired: sign in with WeChat again"))</div>" : ""
        let unbind: HTML = canUnbind ? """
            <form method="post" action="/account/identities/\(id)/unbind" style="display:inline">
            <input type="hidden" name="csrf" value="\(csrf)">
            <button class="secondary" type="submit">\(language.pick("解绑", "Unlink"))</button></form>
            """ : "<span class=\"muted\">\(language.pick("唯一的登录方式，不能解绑", "Only way to sign in: cannot be unlinked"))</span>"
        return """
        <div class="card" data-identity="\(id)">\(avatar)<strong>\(identity.nickname ?? "—")</strong>
        <div class="muted">\(kind) · openid \(String(identity.openID.prefix(6)))…</div>\(reauth)
        <form method="post" action="/account/identities/\(id)/refresh" style="display:inline">
        <input type="hidden" name="csrf" value="\(csrf)">
        <button class="secondary" type="submit">\(language.pick("更新资料", "Refresh profile"))</button></form>
        \(unbind)</div>
        """
    }
}
