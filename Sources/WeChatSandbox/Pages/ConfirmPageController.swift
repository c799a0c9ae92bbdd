import Foundation
import Vapor

/// The phone side of QR login: `GET /connect/confirm?uuid=` scans, `POST /connect/confirm` allows or denies.
struct ConfirmPageController: RouteCollection {
    let sandbox: Sandbox

    struct ConfirmForm: Content {
        var uuid: String
        var action: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("connect", "confirm", use: show)
        routes.post("connect", "confirm", use: decide)
    }

    static func expiredPage() -> Response {
        HTML.page(title: "二维码已过期", body: """
        <div class="card" id="expired"><h1>二维码已过期</h1><p class="muted">请在电脑上刷新二维码后重新扫描</p></div>
        """)
    }

    func show(_ req: Request) async throws -> Response {
        let uuid = RawQuery(req.url.query)["uuid"] ?? ""
        let user: SandboxConfiguration.User
        switch await sandbox.identity(of: req) {
        case .none: return Sandbox.whoamiRedirect(for: req)
        case .unknown: return HTML.cannotAccess("未知的沙盒用户")
        case .user(let found): user = found
        }
        let session: QRSession
        do throws(QRFailure) {
            session = try await sandbox.state.qrScan(uuid, userID: user.id, now: sandbox.clock.now())
        } catch .unknown, .expired {
            return Self.expiredPage()
        } catch {
            return HTML.page(title: "微信登录", body: "<div class=\"card\"><h1>此二维码已使用</h1></div>")
        }
        let name = await sandbox.state.apps[session.appID]?.name ?? session.appID
        let e = HTML.escape
        return HTML.page(title: "微信登录确认", body: """
        <div class="card" id="confirm"><h1>\(e(name))</h1><p>申请使用你的微信帐号登录</p>
        <p class="muted">当前微信用户：\(e(user.nickname))</p>
        <form method="post" action="/connect/confirm"><input type="hidden" name="uuid" value="\(e(uuid))">
        <button class="btn ok" name="action" value="allow">允许</button>
        <button class="btn no" name="action" value="deny">拒绝</button></form></div>
        """)
    }

    func decide(_ req: Request) async throws -> Response {
        guard let form = try? req.content.decode(ConfirmForm.self) else { return HTML.cannotAccess() }
        guard case .user(let user) = await sandbox.identity(of: req) else { return HTML.cannotAccess("未知的沙盒用户") }
        let now = await sandbox.clock.now()
        do throws(QRFailure) {
            if form.action == "allow" {
                _ = try await sandbox.state.qrConfirm(form.uuid, userID: user.id, now: now)
                return HTML.page(title: "已确认", body: "<div class=\"card\" id=\"done\"><h1>已确认登录</h1><p class=\"muted\">请在电脑上继续操作</p></div>")
            }
            try await sandbox.state.qrCancel(form.uuid, now: now)
            return HTML.page(title: "已取消", body: "<div class=\"card\" id=\"cancelled\"><h1>已取消登录</h1></div>")
        } catch .unknown, .expired {
            return Self.expiredPage()
        } catch {
            return HTML.page(title: "微信登录", body: "<div class=\"card\"><h1>此二维码已使用</h1></div>")
        }
    }
}
