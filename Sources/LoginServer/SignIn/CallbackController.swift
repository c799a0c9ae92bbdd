import Vapor
import WeChatKit

/// `GET /auth/wechat/callback`: where WeChat sends the person back with `code` and `state`.
///
/// The sign-in flow decides; this controller only reads the request (query, binding cookie, session) and turns the
/// flow's outcome into a session and a redirect, or a page.
struct CallbackController: RouteCollection {
    let flow: SignInFlow
    let configuration: LoginServerConfiguration
    let sessions: BrowserSession

    func boot(routes: any RoutesBuilder) throws {
        routes.get("auth", "wechat", "callback", use: callback)
    }

    func callback(req: Request) async throws -> Response {
        let bindings = BrowserBindingCookie(
            request: req, name: configuration.cookieName(BrowserBindingCookie.baseName), key: configuration.bindingKey)
        let callback = SignInFlow.Callback(
            state: req.queryValue("state"), code: req.queryValue("code"), bindings: bindings.bindings,
            sessionOrigin: BrowserSession.originState(req), sessionIsSignedIn: BrowserSession.holdsSignIn(req),
            clientAddress: req.clientAddress)
        switch try await flow.complete(callback, on: req.db, logger: req.logger) {
        case .signedIn(let userID, _, let returnTo, let state):
            try await sessions.signIn(req, userID: userID, origin: state)
            return req.redirect(to: returnTo.path)
        case .needsBinding(let identityID, let returnTo, let state):
            try await sessions.setPending(req, identityID: identityID, returnTo: returnTo, origin: state)
            return req.redirect(to: "/bind")
        case .refused(let refusal):
            return CallbackPages.page(for: refusal, req)
        }
    }
}
