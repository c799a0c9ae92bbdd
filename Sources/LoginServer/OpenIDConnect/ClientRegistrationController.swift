import Vapor
import WeChatKit

/// `POST /oauth/register`: dynamic client registration (RFC 7591), protected by an initial access token — the
/// admin bearer token (§3: 401 without it), closed (404) like the admin API when none is configured. Errors are
/// OAuth's JSON shape, not the `/api/` one: client libraries read `error`.
struct ClientRegistrationController: RouteCollection {
    /// `ADMIN_API_TOKEN`, the initial access token; nil closes the endpoint.
    let initialAccessToken: String?
    let clients: OIDCClients

    func boot(routes: any RoutesBuilder) throws {
        routes.post("oauth", "register", use: register)
    }

    func register(req: Request) async throws -> Response {
        guard let expected = initialAccessToken else { throw Abort(.notFound) }
        guard let presented = req.headers.bearerAuthorization?.token, ConstantTime.equals(presented, expected) else {
            let presentedAny = req.headers.first(name: .authorization) != nil
            req.logger.warning("client registration refused: missing or wrong initial access token")
            let response = try await Response.noStore(
                OAuthErrorBody(error: "invalid_token",
                               error_description: "The initial access token (the admin bearer token) is required."),
                status: .unauthorized, for: req)
            // RFC 6750 §3.1: no error code when the request carried no credentials at all.
            response.headers.replaceOrAdd(name: .wwwAuthenticate,
                                          value: presentedAny ? #"Bearer error="invalid_token""# : "Bearer")
            return response
        }
        let metadata: ClientMetadata
        do {
            metadata = try ClientMetadata.decode(json: Data(buffer: req.body.data ?? ByteBuffer()))
        } catch {
            req.logger.notice("client registration refused", metadata: ["error": "\(error.code.rawValue)", "reason": "\(error.reason)"])
            return try await Response.noStore(OAuthErrorBody(error: error.code.rawValue, error_description: error.reason),
                                              status: .badRequest, for: req)
        }
        let registered = try await clients.register(metadata, on: req.db)
        req.logger.info("oidc client registered", metadata: [
            "client_id": "\(registered.client.clientID)", "auth_method": "\(metadata.authMethod.rawValue)",
        ])
        return try await Response.noStore(ClientRegistrationResponse(registered), status: .created, for: req)
    }
}
