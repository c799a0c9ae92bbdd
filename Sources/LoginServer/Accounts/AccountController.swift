import Fluent
import Vapor

/// `/account`: who I am, which WeChat identities are bound, unbind, refresh a profile, download my data, sign out.
struct AccountController: RouteCollection {
    let sessions: BrowserSession
    let profiles: ProfileRefresher

    func boot(routes: any RoutesBuilder) throws {
        routes.get("account", use: account)
        routes.post("account", "identities", ":identityID", "unbind", use: unbind)
        routes.post("account", "identities", ":identityID", "refresh", use: refreshProfile)
        routes.post("account", "export", use: export)
        routes.post("logout", use: logout)
    }

    private struct FormBody: Content {
        var csrf: String?
    }

    func account(req: Request) async throws -> Response {
        let user = try await sessions.requireUser(req)
        let identities = try await AccountService(database: req.db).identities(of: user)
        return AccountPage.response(req, user: user, identities: identities, notice: req.queryValue("notice"))
    }

    func unbind(req: Request) async throws -> Response {
        let user = try await sessions.requireUser(req)
        try BrowserSession.checkCSRF(req, submitted: try req.content.decode(FormBody.self).csrf)
        let language = req.language
        guard let id = req.parameters.get("identityID").flatMap(UUID.init(uuidString:)) else {
            return req.redirect(to: "/account")
        }
        do {
            try await AccountService(database: req.db).unbind(identityID: id, from: user, now: sessions.clock.now(),
                                                              actor: req.eventActor(.person))
            req.logger.info("identity unbound")
            return req.redirect(to: "/account?notice=unbound")
        } catch AccountService.UnbindFailure.lastSignInMethod {
            let identities = try await AccountService(database: req.db).identities(of: user)
            return AccountPage.response(req, user: user, identities: identities, notice: nil, error: language.pick(
                "这是你唯一的登录方式，不能解绑。", "This is your only way to sign in, so it cannot be unlinked."),
                status: .conflict)
        } catch AccountService.UnbindFailure.notFound {
            return req.redirect(to: "/account")
        }
    }

    func refreshProfile(req: Request) async throws -> Response {
        let user = try await sessions.requireUser(req)
        try BrowserSession.checkCSRF(req, submitted: try req.content.decode(FormBody.self).csrf)
        guard let id = req.parameters.get("identityID").flatMap(UUID.init(uuidString:)),
              let identity = try await IdentityStore(database: req.db).find(id, ofUser: user.requireID()) else {
            return req.redirect(to: "/account")
        }
        do {
            try await profiles.refresh(identity, on: req.db)
            return req.redirect(to: "/account?notice=refreshed")
        } catch UserTokenService.Failure.needsReauthorization {
            return req.redirect(to: "/account?notice=reauthorize")
        }
    }

    /// "Download my data": the same document as `GET /api/me/export`, behind the page's CSRF token (a POST, so
    /// another site cannot make the browser record an export).
    func export(req: Request) async throws -> Response {
        let user = try await sessions.requireUser(req)
        try BrowserSession.checkCSRF(req, submitted: try req.content.decode(FormBody.self).csrf)
        return try await AccountExporter.download(req, user: user, sessions: sessions)
    }

    func logout(req: Request) async throws -> Response {
        try BrowserSession.checkCSRF(req, submitted: try req.content.decode(FormBody.self).csrf)
        let response = req.redirect(to: "/")
        sessions.signOut(req, response)
        return response
    }
}
