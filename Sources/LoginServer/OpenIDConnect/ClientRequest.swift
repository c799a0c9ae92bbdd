import Vapor

/// What the token and revocation endpoints share: the form body, the authenticated client, and RFC 6749 §5.2's
/// error answers.
enum ClientRequest {
    /// The form and the client that sent it, or the answer that refuses the request.
    enum Outcome {
        case authenticated(form: [String: String], client: OIDCClient)
        case refused(Response)
    }

    /// Reads the `application/x-www-form-urlencoded` body and authenticates its client (Basic, body, or a bare
    /// `client_id` for a public client). A refusal is 400, or 401 with a `Basic` challenge for `invalid_client`;
    /// `endpoint` names the request in the log line.
    static func authenticate(_ req: Request, clients: OIDCClients, endpoint: String) async throws -> Outcome {
        guard req.headers.contentType == .urlEncodedForm,
              let form = try? req.content.decode([String: String].self, as: .urlEncodedForm) else {
            return .refused(try await error(req, "invalid_request", "The body must be application/x-www-form-urlencoded."))
        }
        do {
            let credentials = try ClientCredentials.read(authorization: req.headers.first(name: .authorization), form: form)
            return .authenticated(form: form, client: try await clients.authenticate(credentials, on: req.db))
        } catch let failure as ClientAuthenticationError {
            req.logger.notice("\(endpoint) refused", metadata: ["reason": "\(failure.description)"])
            let unauthorized = failure.oauthError == "invalid_client"
            let response = try await error(req, failure.oauthError, failure.publicDescription,
                                           status: unauthorized ? .unauthorized : .badRequest)
            if unauthorized { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: #"Basic realm="wechat-login""#) }
            return .refused(response)
        }
    }

    /// An RFC 6749 §5.2 error answer, `no-store`.
    static func error(_ req: Request, _ code: String, _ description: String,
                      status: HTTPResponseStatus = .badRequest) async throws -> Response {
        try await Response.noStore(OAuthErrorBody(error: code, error_description: description), status: status, for: req)
    }
}
