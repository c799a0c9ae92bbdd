import Foundation
import Vapor

/// A user's phone: received template messages (service notifications) and follow buttons per official account.
struct PhonePage: Sendable {
    let sandbox: Sandbox

    struct FollowForm: Content {
        var appid: String
        var follow: String
    }

    func show(_ req: Request) async throws -> Response {
        let id = req.parameters.get("user") ?? ""
        guard let user = await sandbox.state.users[id] else { throw Abort(.notFound) }
        let e = HTML.escape
        var accounts = ""
        for app in await sandbox.apps() where app.kind != .website {
            let following = await sandbox.state.followRecord(appID: app.appID, userID: id)?.subscribed == true
            accounts += """
            <form method="post" action="/sandbox/phone/\(e(id))/follow"><input type="hidden" name="appid" value="\(e(app.appID))">
            <input type="hidden" name="follow" value="\(following ? "false" : "true")">
            <button class="btn \(following ? "no" : "ok")">\(following ? "取消关注" : "关注")「\(e(app.name))」</button></form>
            """
            if following {
                accounts += "<p><a href=\"/sandbox/phone/\(e(id))/chat/\(e(app.appID))\">进入「\(e(app.name))」会话与菜单</a></p>"
            }
        }
        let messages = await sandbox.state.messages(userID: id).reversed().map { message in
            "<div class=\"msg\"><strong>\(e(message.title))</strong>\n\(e(message.text))</div>"
        }.joined()
        return HTML.page(title: "\(user.nickname)的手机", body: """
        <div class="card"><h1>\(e(user.nickname))的微信</h1>
        <img src="/sandbox/avatar/\(e(id)).svg" width="64" height="64" alt="">
        \(accounts)\(PhoneChatPage.entryNote)<h2>服务通知</h2>\(messages.isEmpty ? "<p class=\"muted\">暂无消息</p>" : messages)</div>
        """)
    }

    func follow(_ req: Request) async throws -> Response {
        let id = req.parameters.get("user") ?? ""
        guard await sandbox.state.users[id] != nil, let form = try? req.content.decode(FollowForm.self),
              await sandbox.state.apps[form.appid] != nil else { throw Abort(.notFound) }
        await sandbox.setFollowing(form.follow == "true", appID: form.appid, userID: id, client: req.application.client)
        return HTML.redirect("/sandbox/phone/\(id)")
    }
}

extension Sandbox {
    /// Follows or unfollows, recording a subscribe/unsubscribe push when the state changed.
    func setFollowing(_ following: Bool, appID: String, userID: String, client: any Client) async {
        let now = await clock.now()
        if await state.setFollowing(following, appID: appID, userID: userID, now: now) {
            await pushes.dispatch(appID: appID, userID: userID, kind: following ? .subscribe : .unsubscribe, client: client)
        }
    }
}
