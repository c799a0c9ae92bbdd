import Vapor
import WeChatKit

/// The follow-to-sign-in page's two helpers: `GET /login/follow/qr` (the scene's QR image, fetched from WeChat's
/// `showqrcode` so the browser never talks to WeChat) and `GET /login/follow/status` (long-polled until the scan
/// signs the browser in). The page itself is `/login`'s (``LoginController``). Both are in `/login`'s rate-limit
/// class.
struct FollowLoginController: RouteCollection {
    let followLogin: FollowLogin
    let configuration: LoginServerConfiguration
    let sessions: BrowserSession

    /// The status poll's answer: `pending`, `scanned`, `expired`, `refused` (with `reason`), or `signed_in` /
    /// `needs_binding` with the `location` to go to. With `embed=1` a scanned scene answers `scanned` and is finished
    /// by the top window's `POST /login/follow/finish`.
    struct StatusAnswer: Content {
        var status: String
        var reason: String?
        var location: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let follow = routes.grouped("login", "follow")
        follow.get("qr", use: image)
        follow.get("status", use: status)
    }

    /// The browser's bindings: its cookie's, and the one the embeddable page's frame sends in its header (a frame on
    /// another site may have no cookie at all).
    private func bindings(_ req: Request) -> [BrowserBinding] {
        let cookie = BrowserBindingCookie(request: req, name: configuration.cookieName(BrowserBindingCookie.baseName),
                                          key: configuration.bindingKey).bindings
        let header = BrowserBindingCookie(cookieValue: req.headers.first(name: FollowLoginEmbed.bindingHeader) ?? "",
                                          key: configuration.bindingKey).bindings
        return cookie + header
    }

    func image(req: Request) async throws -> Response {
        let scene = req.queryValue("scene") ?? ""
        let image: QRCodeImage?
        do {
            image = try await followLogin.image(scene: scene, bindings: bindings(req), on: req.db)
        } catch let error as WeChatError {
            req.logger.warning("follow-login QR image failed", metadata: ["error": "\(error)"])
            throw Abort(.badGateway, reason: "WeChat did not give the QR image.")
        }
        guard let image else { throw Abort(.notFound, reason: "No such QR code for this browser, or it expired.") }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: image.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(data: Data(image.bytes)))
    }

    func status(req: Request) async throws -> Response {
        let scene = req.queryValue("scene") ?? ""
        // `embed=1`: the embeddable page's frame, which finishes in the top window (`POST /login/follow/finish`).
        let result = try await followLogin.poll(scene: scene, bindings: bindings(req), clientAddress: req.clientAddress,
                                                complete: req.queryValue("embed") != "1", on: req.db, logger: req.logger)
        let answer: StatusAnswer
        var status = HTTPResponseStatus.ok
        switch result {
        case .pending: answer = StatusAnswer(status: "pending")
        case .scanned: answer = StatusAnswer(status: "scanned")
        case .expired: answer = StatusAnswer(status: "expired")
        case .refused(let refusal):
            answer = StatusAnswer(status: "refused", reason: refusal.rawValue)
            status = refusal == .otherBrowser ? .forbidden : .notFound
        case .completed(.signedIn(let userID, _, let returnTo, let scene)):
            try await sessions.signIn(req, userID: userID, origin: scene)
            answer = StatusAnswer(status: "signed_in", location: returnTo.path)
        case .completed(.needsBinding(let identityID, let returnTo, let scene)):
            try await sessions.setPending(req, identityID: identityID, returnTo: returnTo, origin: scene)
            answer = StatusAnswer(status: "needs_binding", location: "/bind")
        case .completed(.refused):
            answer = StatusAnswer(status: "refused", reason: "used")
            status = .notFound
        }
        let response = try await answer.encodeResponse(status: status, for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
