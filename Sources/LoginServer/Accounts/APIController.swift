import Fluent
import Vapor

/// The JSON API for the business's own pages: who is signed in, unbinding, and the person's data export. Described in `/openapi.json`.
struct APIController: RouteCollection {
    let sessions: BrowserSession
    let profiles: ProfileRefresher

    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped("api")
        api.get("me", use: me)
        api.get("me", "export", use: export)
        api.post("me", "identities", ":identityID", "unbind", use: unbind)
        api.post("me", "identities", ":identityID", "refresh", use: refresh)
        api.post("logout", use: logout)
        routes.get("openapi.json", use: openAPI)
        routes.get("healthz", use: health)
        routes.get("livez", use: live)
    }

    private func requireUser(_ req: Request) async throws -> User {
        guard let id = sessions.userID(req), let user = try await UserStore(database: req.db).find(id) else {
            throw Abort(.unauthorized, reason: "Not signed in.")
        }
        return user
    }

    func me(req: Request) async throws -> MeResponse {
        let user = try await requireUser(req)
        return try MeResponse(user: user, identities: try await AccountService(database: req.db).identities(of: user),
                              csrfToken: BrowserSession.csrfToken(req))
    }

    /// Everything held about the signed-in person, as a JSON download (`AccountExport`); recorded as
    /// `account.exported`.
    func export(req: Request) async throws -> Response {
        try await AccountExporter.download(req, user: try await requireUser(req), sessions: sessions)
    }

    func unbind(req: Request) async throws -> MeResponse {
        let user = try await requireUser(req)
        try BrowserSession.checkCSRFHeader(req)
        guard let id = req.parameters.get("identityID").flatMap(UUID.init(uuidString:)) else {
            throw Abort(.notFound, reason: "No such identity.")
        }
        let accounts = AccountService(database: req.db)
        do {
            try await accounts.unbind(identityID: id, from: user, now: sessions.clock.now(),
                                      actor: req.eventActor(.person))
        } catch AccountService.UnbindFailure.notFound {
            throw Abort(.notFound, reason: "No such identity on this account.")
        } catch AccountService.UnbindFailure.lastSignInMethod {
            throw Abort(.conflict, reason: "The last WeChat identity cannot be unlinked: it is the only way to sign in.")
        }
        return try MeResponse(user: user, identities: try await accounts.identities(of: user),
                              csrfToken: BrowserSession.csrfToken(req))
    }

    /// Re-reads the identity's WeChat profile with its stored user token (refreshed first when expired).
    func refresh(req: Request) async throws -> MeResponse {
        let user = try await requireUser(req)
        try BrowserSession.checkCSRFHeader(req)
        guard let id = req.parameters.get("identityID").flatMap(UUID.init(uuidString:)),
              let identity = try await IdentityStore(database: req.db).find(id, ofUser: user.requireID()) else {
            throw Abort(.notFound, reason: "No such identity on this account.")
        }
        do {
            try await profiles.refresh(identity, on: req.db)
        } catch UserTokenService.Failure.needsReauthorization {
            throw Abort(.conflict, reason: "WeChat authorization expired: the person must sign in with WeChat again.")
        }
        return try MeResponse(user: user, identities: try await AccountService(database: req.db).identities(of: user),
                              csrfToken: BrowserSession.csrfToken(req))
    }

    /// Ends the session (a signed-in one must send its CSRF header) and the browser's login bindings.
    func logout(req: Request) async throws -> Response {
        if sessions.userID(req) != nil { try BrowserSession.checkCSRFHeader(req) }
        let response = Response(status: .noContent)
        sessions.signOut(req, response)
        return response
    }

    func openAPI(req: Request) async throws -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: OpenAPIDocument.json))
    }

    /// Liveness: the process answers; no database, no upstream (also the benchmark's ceiling route).
    func live(req: Request) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(staticString: #"{"status":"ok"}"#))
    }

    /// Readiness: the process answers and its database does.
    func health(req: Request) async throws -> Response {
        try await UserStore(database: req.db).ping()
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: #"{"status":"ok"}"#))
    }
}
