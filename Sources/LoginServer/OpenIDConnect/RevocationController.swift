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
        guard req.headers.contentType == .urlEncodedForm,
              let form = try? req.content.decode([String: String].self, as: .urlEncodedForm) else {
            return try await error(req, "invalid_request", "The body must be application/x-www-form-urlencoded.")
        }
        let client: OIDCClient
        do {
            let credentials = try ClientCredentials.read(authorization: req.headers.first(name: .authorization), form: form)
            client = try await clients.authenticate(credentials, on: req.db)
        } catch let failure as ClientAuthenticationError {
            req.logger.notice("revocation refused", metadata: ["reason": "\(failure.description)"])
            let unauthorized = failure.oauthError == "invalid_client"
            let response = try await error(req, failure.oauthError, failure.publicDescription,
                                           status: unauthorized ? .unauthorized : .badRequest)
            if unauthorized { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: #"Basic realm="wechat-login""#) }
            return response
        }
        guard let token = form["token"], !token.isEmpty else { return try await error(req, "invalid_request", "token is required.") }
        let revoked = try await provider.revoke(token: token, client: client, on: req.db)
        req.logger.info("token revocation", metadata: ["client_id": "\(client.clientID)", "revoked": "\(revoked)"])
        let response = Response(status: .ok)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func error(_ req: Request, _ code: String, _ description: String,
                       status: HTTPResponseStatus = .badRequest) async throws -> Response {
        try await Response.noStore(OAuthErrorBody(error: code, error_description: description), status: status, for: req)
    }
}
