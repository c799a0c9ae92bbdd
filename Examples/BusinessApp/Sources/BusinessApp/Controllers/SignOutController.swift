import Vapor

/// `POST /signout` ends this app's session, then sends the browser to the provider's `end_session_endpoint`
/// (RP-Initiated Logout 1.0) with `id_token_hint` and `post_logout_redirect_uri`, which ends the session there too
/// and comes back to `/signed-out`. A GET to the provider, not a POST: its session cookie is SameSite=Lax, which a
/// browser sends on a top-level GET from another site only.
struct SignOutController: RouteCollection {
    let settings: Settings
    let metadata: ProviderMetadata
    let clientID: String

    func boot(routes: any RoutesBuilder) throws {
        routes.post("signout", use: signOut)
        routes.get("signed-out", use: signedOut)
    }

    struct Form: Content {
        var csrf: String?
    }

    func signOut(req: Request) async throws -> Response {
        guard let person = req.session.person else { return req.redirect(to: "/signed-out", redirectType: .normal) }
        let form = try req.content.decode(Form.self)
        guard let csrf = form.csrf, Constant.equal(csrf, person.csrf) else {
            throw SignInError(.signOutForm, "a sign-out form without this session's token")
        }
        req.session.destroy()
        req.logger.info("signed out", metadata: ["sub": "\(person.sub)"])
        guard let endpoint = metadata.end_session_endpoint, var components = URLComponents(string: endpoint) else {
            return req.redirect(to: "/signed-out", redirectType: .normal)
        }
        components.queryItems = (components.queryItems ?? []) + [
            URLQueryItem(name: "id_token_hint", value: person.idToken),
            URLQueryItem(name: "client_id", value: clientID),
            URLQueryItem(name: "post_logout_redirect_uri", value: settings.signedOutURI),
        ]
        return req.redirect(to: components.string ?? endpoint, redirectType: .normal)
    }

    func signedOut(req: Request) async throws -> Response {
        HTML.page(Bilingual("你已退出登录", "You are signed out"), body: """
            <p>\(Bilingual("你已退出本应用和登录服务。", "You are signed out of this app and of the sign-in service.").html)</p>
            <p><a id="sign-in" class="button" href="/signin">\(Bilingual("用微信登录", "Sign in with WeChat").html)</a></p>
            """)
    }
}
