import Vapor

/// The OAuth error answer for what a middleware answers on a machine endpoint of the provider — a rate-limit
/// refusal, a body too large, a malformed body, or any error that escaped the route — so an OAuth library reads
/// `{"error", "error_description"}` (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 6750 §3) instead of an HTML page.
///
/// The status stays what the error said; the code is the standard one closest to it. The controllers answer their
/// own refusals (`invalid_grant`, `invalid_client`, …) themselves; this is only for what reaches the middlewares.
struct OAuthErrorAnswer: Equatable, Sendable {
    var status: HTTPResponseStatus
    var error: String
    var description: String
    /// RFC 6750 §3 at userinfo (a Bearer challenge with the error), RFC 6749 §5.2 at the token endpoints on a 401.
    var challenge: String?

    /// `reason` is the error's own reason, shown only for a 4xx that has no fixed description (never for a 5xx:
    /// it may carry internals); `retryAfter` is the rate limiter's wait, for a 429.
    init(status: HTTPResponseStatus, reason: String?, endpoint: ErrorAudience.OAuthEndpoint, retryAfter: Int? = nil) {
        self.status = status
        switch status.code {
        case 401:
            error = endpoint == .token || endpoint == .revocation ? "invalid_client" : "invalid_token"
        case 403:
            error = endpoint == .userInfo ? "insufficient_scope" : "access_denied"
        case 429, 503:
            // No registered code names a rate limit; this one says "try again later", and Retry-After says when.
            error = "temporarily_unavailable"
        case 500...:
            error = "server_error"
        case 400, 413, 415, 422:
            error = endpoint == .registration ? "invalid_client_metadata" : "invalid_request"
        default:
            error = "invalid_request"
        }
        description = switch status.code {
        case 404, 405: "No such endpoint or method; the discovery document lists the endpoints."
        case 413: "The request body is too large."
        case 415: "Unsupported Content-Type."
        case 429:
            "Too many requests; retry after \(retryAfter.map { $0 == 1 ? "1 second" : "\($0) seconds" } ?? "a while")."
        case 500...: "Something went wrong on our side. Please try again."
        default: Self.ascii(reason ?? "") ?? "The request is invalid."
        }
        switch (endpoint, status.code) {
        case (.userInfo, 400), (.userInfo, 401), (.userInfo, 403):
            challenge = #"Bearer realm="wechat-login", error="\#(error)""#
        case (.token, 401), (.revocation, 401):
            challenge = #"Basic realm="wechat-login""#
        default:
            challenge = nil
        }
    }

    /// RFC 6749 §5.2 allows only printable ASCII without `"` and `\` in `error_description`; nil when nothing
    /// printable is left.
    static func ascii(_ text: String) -> String? {
        let kept = String(String.UnicodeScalarView(text.unicodeScalars.filter {
            (0x20...0x7E).contains($0.value) && $0 != "\"" && $0 != "\\"
        })).trimmingCharacters(in: .whitespaces)
        return kept.isEmpty ? nil : String(kept.prefix(300))
    }

    /// The JSON answer, `no-store`, keeping the error's own headers (`Allow`, `Retry-After`, …).
    func response(for request: Request, headers: HTTPHeaders = [:]) async throws -> Response {
        let response = try await Response.noStore(OAuthErrorBody(error: error, error_description: description),
                                                  status: status, for: request)
        for (name, value) in headers where response.headers.first(name: name) == nil {
            response.headers.add(name: name, value: value)
        }
        if let challenge { response.headers.replaceOrAdd(name: .wwwAuthenticate, value: challenge) }
        return response
    }
}
