import Foundation
import Vapor

/// `cgi-bin/qrcode/create` (an `api.weixin.qq.com` JSON API, spec §15.1).
struct QRCodeCreateController: RouteCollection {
    let sandbox: Sandbox

    /// The answer: `expire_seconds` only for a temporary code.
    struct Created: Encodable {
        let ticket: String
        let expire_seconds: Int?
        let url: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let maxBody = sandbox.configuration.limits.maxBodyBytes
        routes.wechat(.POST, "cgi-bin", "qrcode", "create", maxBody: maxBody, use: create)
    }

    /// 41001 → 40001/42001 → 48001 (only an official account has the interface: not the test account) →
    /// 44002/47001 body → 40052 action_name → 40053 scene, lifetime or the permanent cap.
    func create(_ req: Request) async throws -> Response {
        let query = try req.apiParameters()
        guard let token = query.nonEmpty("access_token") else { throw WeChatAPIError.accessTokenMissing }
        let now = await sandbox.clock.now()
        let app = try await sandbox.state.serverTokenApp(token, now: now)
        guard app.kind == .officialAccount else { throw WeChatAPIError.apiUnauthorized }
        let request = try ParametricQRRequest.parse(req.body.data.map { Data($0.readableBytesView) } ?? Data())
        let code = try await sandbox.state.createParametricQR(app: app, request: request, now: now)
        let expires = code.expiresAt.map { max(0, Int($0.timeIntervalSince(now).rounded())) }
        return WeChatReply.json(Created(ticket: code.ticket, expire_seconds: expires, url: sandbox.scanURL(code)), family: .cgi)
    }
}

/// `GET /cgi-bin/showqrcode?ticket=` (WeChat serves it on `mp.weixin.qq.com`, spec §15.2): the PNG of the code's
/// `url` while the ticket is valid; 404 (plain text) for an unknown or expired ticket. Not a JSON API: no errcodes.
struct ShowQRCodeController: RouteCollection {
    let sandbox: Sandbox

    func boot(routes: any RoutesBuilder) throws {
        routes.get("cgi-bin", "showqrcode", use: show)
    }

    func show(_ req: Request) async throws -> Response {
        let ticket = RawQuery(req.url.query)["ticket"] ?? ""
        let now = await sandbox.clock.now()
        guard let code = await sandbox.state.parametricQR(ticket: ticket), code.isValid(at: now) else {
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "text/plain; charset=utf-8")
            return Response(status: .notFound, headers: headers, body: .init(string: "unknown or expired ticket\n"))
        }
        return QRImage.response(payload: sandbox.scanURL(code))
    }
}

extension Sandbox {
    /// What a parametric code's image encodes: the phone's scan page on this sandbox.
    func scanURL(_ code: ParametricQRCode) -> String {
        "\(configuration.publicBaseURL)/sandbox/q/\(code.path)"
    }

    /// `user` scans `ticket` and presses the page's button (`accept`) or Cancel: pushes `subscribe` (with
    /// `qrscene_`) or `SCAN` to the app's server URL and answers the record, or nil when nothing was pushed.
    func scanParametricQR(ticket: String, userID: String, accept: Bool, client: any Client) async throws(ParametricScanFailure) -> PushRecord? {
        let now = await clock.now()
        guard let kind = try await state.scanParametricQR(ticket: ticket, userID: userID, accept: accept, now: now),
              let code = await state.parametricQR(ticket: ticket) else { return nil }
        return await pushes.dispatch(appID: code.appID, userID: userID, kind: kind, client: client)
    }
}
