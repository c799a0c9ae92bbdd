import Foundation
import Vapor

/// The `snsapi_userinfo` consent page (Allow / Deny form POST).
enum ConsentPage {
    static func render(checked: AuthorizePageController.Checked, user: SandboxConfiguration.User) -> Response {
        let e = HTML.escape
        let hidden = """
        <input type="hidden" name="appid" value="\(e(checked.app.appID))">
        <input type="hidden" name="redirect_uri" value="\(e(checked.redirectURI))">
        <input type="hidden" name="scope" value="\(e(checked.scope))">
        <input type="hidden" name="state" value="\(e(checked.state))">
        """
        return HTML.page(title: "微信授权", body: """
        <div class="card" id="consent"><h1>\(e(checked.app.name))</h1>
        <p>申请获取以下权限：</p><p class="muted">获得你的公开信息（昵称、头像等）</p>
        <p class="muted">当前微信用户：\(e(user.nickname))</p>
        <form method="post" action="/connect/oauth2/authorize">\(hidden)
        <button class="btn ok" name="action" value="allow">允许</button></form>
        <form method="post" action="/connect/oauth2/authorize">\(hidden)
        <button class="btn no" name="action" value="deny">拒绝</button></form></div>
        """)
    }
}
