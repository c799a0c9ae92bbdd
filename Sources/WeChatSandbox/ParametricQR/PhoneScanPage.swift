import Foundation
import Vapor

/// The phone after scanning a parametric QR code (`GET /sandbox/q/{path}`, the URL the image encodes): the
/// account's name with 关注 Follow (not yet a follower) or 进入公众号 Open chat (a follower), and 取消 Cancel. The
/// button (`POST`, `action=accept`) pushes `subscribe` with `qrscene_<scene>` or `SCAN`; Cancel pushes nothing; an
/// expired code says 二维码已过期 and pushes nothing (spec §15.3).
struct PhoneScanPage: Sendable {
    let sandbox: Sandbox

    struct Form: Content {
        var action: String
    }

    func show(_ req: Request) async throws -> Response {
        let (code, user) = try await scanned(req)
        guard let code, let user else { return try await problem(req) }
        let app = await sandbox.app(code.appID)
        let following = await sandbox.state.followRecord(appID: code.appID, userID: user.id)?.subscribed == true
        let e = HTML.escape
        let name = e(app?.name ?? code.appID)
        let button = following ? "进入公众号 Open chat" : "关注 Follow"
        return HTML.page(title: app?.name ?? "公众号", body: """
        <div class="card"><h1 id="account">\(name)</h1><p class="muted">\(e(user.nickname))扫描了「\(name)」的二维码 \
        · \(e(user.nickname)) scanned this account's QR code</p>
        <p class="muted" id="follow-state">\(following ? "已关注 · Following" : "尚未关注 · Not following yet")</p>
        <form method="post" action="/sandbox/q/\(e(code.path))">
        <button class="btn ok" name="action" value="accept" id="accept">\(button)</button>
        <button class="btn no" name="action" value="cancel" id="cancel">取消 Cancel</button></form></div>
        """)
    }

    func press(_ req: Request) async throws -> Response {
        let (code, user) = try await scanned(req)
        guard let code, let user else { return try await problem(req) }
        let accept = (try? req.content.decode(Form.self))?.action == "accept"
        do {
            _ = try await sandbox.scanParametricQR(ticket: code.ticket, userID: user.id, accept: accept, client: req.application.client)
        } catch {
            return try await problem(req)
        }
        return HTML.redirect(accept ? "/sandbox/phone/\(user.id)/chat/\(code.appID)" : "/sandbox/phone/\(user.id)")
    }

    /// The code of the path if it is still valid, and the chosen user.
    private func scanned(_ req: Request) async throws -> (ParametricQRCode?, SandboxConfiguration.User?) {
        let now = await sandbox.clock.now()
        guard let code = await sandbox.state.parametricQR(path: req.parameters.get("path") ?? ""), code.isValid(at: now),
              case .user(let user) = await sandbox.identity(of: req) else { return (nil, nil) }
        return (code, user)
    }

    /// Unknown or expired code, or no user yet: the matching page (the user picker comes back here).
    private func problem(_ req: Request) async throws -> Response {
        guard let code = await sandbox.state.parametricQR(path: req.parameters.get("path") ?? "") else {
            return HTML.page(title: "二维码无效", body: """
            <div class="card"><h1>二维码无效</h1><p class="muted">This QR code is not valid.</p></div>
            """, status: .notFound)
        }
        guard code.isValid(at: await sandbox.clock.now()) else {
            return HTML.page(title: "二维码已过期", body: """
            <div class="card"><h1 id="expired">二维码已过期</h1><p class="muted">This QR code has expired.</p></div>
            """)
        }
        switch await sandbox.identity(of: req) {
        case .unknown(let id): return HTML.cannotAccess("未知的沙盒用户 \(id)")
        default: return Sandbox.whoamiRedirect(for: req)
        }
    }
}
