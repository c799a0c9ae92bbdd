import Foundation
import Vapor

/// `GET /connect/qrconnect` (full page and `login_type=jssdk`) and the long-poll `GET /connect/l/qrconnect` (spec §2).
struct QRConnectController: RouteCollection {
    let sandbox: Sandbox

    func boot(routes: any RoutesBuilder) throws {
        routes.get("connect", "qrconnect", use: page)
        routes.get("connect", "l", "qrconnect", use: poll)
        routes.get("connect", "qrcode", ":uuid", use: image)
    }

    func page(_ req: Request) async throws -> Response {
        let query = RawQuery(req.url.query)
        guard let appID = query.nonEmpty("appid"), let app = await sandbox.state.apps[appID], app.kind == .website,
              let redirectURI = query.nonEmpty("redirect_uri"),
              let scope = query.nonEmpty("scope"), scope.split(separator: ",").allSatisfy({ $0 == "snsapi_login" }),
              Sandbox.hostMatches(redirectURI, domain: app.callbackDomain)
        else { return HTML.cannotAccess() }
        if let type = query["response_type"], type != "code" { return HTML.cannotAccess() }
        let jssdk = query["login_type"] == "jssdk"
        let selfRedirect = jssdk ? (query["self_redirect"].flatMap { ["true", "false"].contains($0) ? $0 : nil } ?? "default") : "false"
        let state = query["state"] ?? ""
        let now = await sandbox.clock.now()
        let uuid = await sandbox.state.createQRSession(
            appID: appID, redirectURI: redirectURI, state: state, selfRedirect: selfRedirect, now: now)
        return QRPage.render(
            app: app, uuid: uuid, redirectURI: redirectURI, state: state, selfRedirect: selfRedirect,
            english: query["lang"] == "en", inline: jssdk, style: query["style"], href: query["href"])
    }

    func poll(_ req: Request) async throws -> Response {
        let query = RawQuery(req.url.query)
        let uuid = query["uuid"] ?? ""
        let last = query["last"].flatMap { Int($0) }
        let state = sandbox.state
        var answer = await state.qrPoll(uuid, now: sandbox.clock.now())
        if Self.answersAtOnce(answer.errcode, last: last) { return Self.script(answer.errcode, answer.code) }
        let configured = sandbox.configuration.lifetimes.longPollHold
        let hold = configured.isFinite ? min(max(configured, 0), 600) : 25
        let waiter = UUID()
        let version = answer.version
        let changed = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await state.waitForChange(uuid, from: version, waiter: waiter); return true }
            group.addTask { try? await Task.sleep(for: .milliseconds(Int(hold * 1000))); return false }
            let first = await group.next() ?? false
            if !first { await state.cancelWaiter(uuid, waiter: waiter) }
            group.cancelAll()
            return first
        }
        answer = await state.qrPoll(uuid, now: sandbox.clock.now())
        if answer.errcode != 408, changed || Self.answersAtOnce(answer.errcode, last: last) {
            return Self.script(answer.errcode, answer.code)
        }
        return Self.script(408, "")
    }

    /// Terminal states answer at once; 404 answers at once unless the page already knows it.
    static func answersAtOnce(_ errcode: Int, last: Int?) -> Bool {
        switch errcode {
        case 402, 403, 405: true
        case 404: last != 404
        default: false
        }
    }

    static func script(_ errcode: Int, _ code: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/javascript; charset=utf-8")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: "window.wx_errcode=\(errcode);window.wx_code='\(code)';"))
    }

    func image(_ req: Request) async throws -> Response {
        let uuid = req.parameters.get("uuid") ?? ""
        guard await sandbox.state.qrSession(uuid) != nil else { throw Abort(.notFound) }
        return QRImage.response(payload: "\(sandbox.configuration.publicBaseURL)/connect/confirm?uuid=\(uuid)")
    }
}
