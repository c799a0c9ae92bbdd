import Foundation
import Vapor

/// `POST /oauth/token` (RFC 6749 §4.1.3, §6, OpenID Connect Core §3.1.3, §12): the authorization code, or a
/// refresh token, exchanged for an access token and an ID token (and a refresh token with `offline_access`). Every answer is `no-store`; errors are RFC 6749 §5.2's JSON.
struct TokenController: RouteCollection {
    let provider: OIDCProvider
    let clients: OIDCClients

    func boot(routes: any RoutesBuilder) throws {
        routes.post("oauth", "token", use: token)
    }

    /// The success answer (RFC 6749 §5.1).
    struct TokenResponse: Content {
        var access_token: String
        var token_type: String
        var expires_in: Int
        var id_token: String
        var scope: String
        var refresh_token: String?
    }

    private func token(_ req: Request) async throws -> Response {
        let (form, client): ([String: String], OIDCClient)
        switch try await ClientRequest.authenticate(req, clients: clients, endpoint: "token request") {
        case .authenticated(let authenticatedForm, let authenticatedClient): (form, client) = (authenticatedForm, authenticatedClient)
        case .refused(let response): return response
        }
        guard let grantType = form["grant_type"] else { return try await ClientRequest.error(req, "invalid_request", "grant_type is required.") }
        do {
            let tokens: OIDCProvider.Tokens
            switch grantType {
            case "authorization_code":
                guard let code = form["code"], !code.isEmpty, let redirectURI = form["redirect_uri"] else {
                    return try await ClientRequest.error(req, "invalid_request", "code and redirect_uri are required.")
                }
                tokens = try await provider.exchange(code: code, redirectURI: redirectURI, verifier: form["code_verifier"],
                                                     client: client, actor: req.eventActor(.client), on: req.db)
            case "refresh_token":
                guard let refreshToken = form["refresh_token"], !refreshToken.isEmpty else {
                    return try await ClientRequest.error(req, "invalid_request", "refresh_token is required.")
                }
                tokens = try await provider.refresh(token: refreshToken, scope: form["scope"], client: client,
                                                    actor: req.eventActor(.client), on: req.db)
            default:
                return try await ClientRequest.error(req, "unsupported_grant_type", "Only authorization_code and refresh_token are supported.")
            }
            req.logger.info("tokens issued", metadata: ["client_id": "\(client.clientID)", "grant_type": "\(grantType)"])
            return try await Response.noStore(
                TokenResponse(access_token: tokens.accessToken, token_type: "Bearer", expires_in: tokens.expiresIn,
                              id_token: tokens.idToken, scope: tokens.scope, refresh_token: tokens.refreshToken),
                status: .ok, for: req)
        } catch let failure as OIDCProvider.GrantError {
            req.logger.notice("token request refused", metadata: ["client_id": "\(client.clientID)", "reason": "\(failure.logReason)"])
            return try await ClientRequest.error(req, failure.error, failure.description)
        }
    }
}
