import Foundation
import Vapor

/// `GET|POST /oauth/logout` (OpenID Connect RP-Initiated Logout 1.0): an app sends the person here to end their
/// session here too. A GET signs out only with a valid `id_token_hint` for the signed-in person (an expired one is
/// accepted, a forged one refused); otherwise it asks first, with a POST form carrying the session's CSRF token, so a
/// cross-site link cannot sign anyone out. The way back is `post_logout_redirect_uri` only when the client is known
/// (`client_id` or the hint's `aud`) and registered it by exact string match; any other one is refused with an error
/// page before anything is done; without one, a signed-out page.
struct LogoutController: RouteCollection {
    let provider: OIDCProvider
    let clients: OIDCClients
    let sessions: BrowserSession

    func boot(routes: any RoutesBuilder) throws {
        routes.get("oauth", "logout", use: logout)
        routes.post("oauth", "logout", use: logout)
    }

    /// The parameters, from the query or (POST) the form.
    struct Parameters: Content {
        var id_token_hint: String?
        var client_id: String?
        var post_logout_redirect_uri: String?
        var state: String?
        var csrf: String?
    }

    func logout(req: Request) async throws -> Response {
        let parameters = req.method == .POST ? try req.content.decode(Parameters.self) : try req.query.decode(Parameters.self)
        let language = req.language
        var hintSubject: String?
        var clientID = parameters.client_id
        if let hint = parameters.id_token_hint {
            guard let claims = await provider.idTokenHint(hint) else {
                req.logger.notice("logout refused", metadata: ["reason": "id_token_hint not ours"])
                return refusal(req, language.pick("退出请求无效：id_token_hint 不是本站签发的。",
                                                   "Invalid sign-out request: id_token_hint was not issued here."))
            }
            if let clientID, clientID != claims.aud {
                return refusal(req, language.pick("退出请求无效：client_id 与 id_token_hint 不符。",
                                                   "Invalid sign-out request: client_id does not match id_token_hint."))
            }
            clientID = claims.aud
            hintSubject = claims.sub
        }
        var returnTo: String?
        if let uri = parameters.post_logout_redirect_uri {
            // A way back nobody registered is refused before anything is done (§3: no redirection to it), as an
            // unregistered redirect URI is at the authorization endpoint: the app's developer sees why at once.
            guard let clientID, let client = try await clients.activeClient(clientID, on: req.db),
                  client.allowsPostLogoutRedirect(to: uri) else {
                req.logger.notice("logout refused", metadata: ["reason": "post_logout_redirect_uri not registered",
                                                               "client_id": "\(clientID ?? "-")"])
                return refusal(req, language.pick(
                    "退出请求无效：post_logout_redirect_uri 不是这个应用登记的地址。",
                    "Invalid sign-out request: post_logout_redirect_uri is not registered for this app."))
            }
            returnTo = uri
        }
        let signedIn = sessions.signedIn(req)
        let confirmed = req.method == .POST && (try? BrowserSession.checkCSRF(req, submitted: parameters.csrf)) != nil
        let hinted = hintSubject != nil && hintSubject == signedIn?.userID.uuidString.lowercased()
        if signedIn != nil && !confirmed && !hinted {
            return confirmation(req, parameters: parameters)
        }
        let response: Response
        if let returnTo {
            var location = returnTo
            if let state = parameters.state, var components = URLComponents(string: returnTo) {
                let items = components.queryItems ?? []
                components.queryItems = items + [URLQueryItem(name: "state", value: state)]
                location = components.string ?? returnTo
            }
            response = req.redirect(to: location, redirectType: .normal)
        } else {
            response = MessagePage(title: language.pick("已退出", "Signed out"),
                                   message: language.pick("你已退出登录。", "You are signed out."),
                                   action: (language.pick("重新登录", "Sign in again"), "/login")).response(req, status: .ok)
        }
        if signedIn != nil {
            sessions.signOut(req, response)
            req.logger.info("signed out by an app", metadata: ["client_id": "\(clientID ?? "-")"])
        }
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func refusal(_ req: Request, _ message: String) -> Response {
        MessagePage(title: req.language.pick("无法退出", "Cannot sign out"), message: message, action: nil)
            .response(req, status: .badRequest)
    }

    /// "Sign out of wechat-login?" with a POST form that carries the CSRF token and the request's parameters.
    private func confirmation(_ req: Request, parameters: Parameters) -> Response {
        let language = req.language
        var fields: HTML = "<input type=\"hidden\" name=\"csrf\" value=\"\(BrowserSession.csrfToken(req))\">"
        for (name, value) in [("id_token_hint", parameters.id_token_hint), ("client_id", parameters.client_id),
                              ("post_logout_redirect_uri", parameters.post_logout_redirect_uri), ("state", parameters.state)] {
            if let value { fields = "\(fields)<input type=\"hidden\" name=\"\(name)\" value=\"\(value)\">" }
        }
        let body: HTML = """
            <p>\(language.pick("要退出登录吗？", "Sign out?"))</p>
            <form method="post" action="/oauth/logout">\(fields)<button class="button" type="submit">\(language.pick("退出", "Sign out"))</button></form>
            """
        let response = Page(req, title: language.pick("退出登录", "Sign out"), body: body).response(req, status: .ok)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
