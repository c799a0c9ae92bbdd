import Vapor

/// `POST /oauth/revoke` (RFC 7009): an app ends a token it holds when the person signs out of it. A refresh token
/// ends its whole family and the family's access tokens; an access token ends itself. Client authentication as at
/// the token endpoint; a token of another client, an unknown or an expired one is answered 200 all the same
/// (RFC 7009 §2.2), so the answer reveals nothing.
struct RevocationController: RouteCollection {
    let provider: OIDCProvider
    let clients: OIDCClients

    func boot(routes: any RoutesBuilder) throws {
        routes.post("oauth", "revoke", use: revoke)
    }

    private func revoke(_ req: Request) async throws -> Response {
        let (form, client): ([String: String], OIDCClient)
        switch try await ClientRequest.authenticate(req, clients: clients, endpoint: "revocation") {
        case .authenticated(let authenticatedForm, let authenticatedClient): (form, client) = (authenticatedForm, authenticatedClient)
        case .refused(let response): return response
        }
        guard let token = form["token"], !token.isEmpty else { return try await ClientRequest.error(req, "invalid_request", "token is required.") }
        let revoked = try await provider.revoke(token: token, client: client, actor: req.eventActor(.client), on: req.db)
        req.logger.info("token revocation", metadata: ["client_id": "\(client.clientID)", "revoked": "\(revoked)"])
        let response = Response(status: .ok)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
