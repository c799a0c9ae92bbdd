/// Who reads the error answer to a request, decided from its path in this one place for every middleware that
/// answers errors (`PageErrorMiddleware`, `RateLimitMiddleware`): a person gets a bilingual page, the JSON API its
/// `{"error":true,"reason":…}`, and the provider's machine endpoints OAuth's JSON error shape — an OAuth library reads
/// `error`, and an HTML page in its place fails it with a parse error instead of the standard answer.
///
/// The people-facing provider endpoints (`/oauth/authorize…`, `/oauth/logout`) stay pages: a browser is there.
enum ErrorAudience: Equatable, Sendable {
    /// A page in the request's language.
    case person
    /// The JSON API under `/api/`.
    case api
    /// An OpenID Connect endpoint that apps' code calls.
    case oauth(OAuthEndpoint)

    /// The provider's endpoints that machines call, each with its own standard for errors.
    enum OAuthEndpoint: Equatable, Sendable {
        /// `/oauth/token` (RFC 6749 §5.2).
        case token
        /// `/oauth/revoke` (RFC 7009 §2.2.1, RFC 6749 §5.2).
        case revocation
        /// `/oauth/register` (RFC 7591 §3.2.2).
        case registration
        /// `/oauth/userinfo`, a protected resource (RFC 6750 §3: `WWW-Authenticate`).
        case userInfo
        /// `/oauth/jwks` and `/.well-known/openid-configuration`.
        case metadata
    }

    /// Splits the path the way Vapor's router does (on `/`, dropping empty components), as `RateLimitedRoute`
    /// does, so `//oauth/token` is answered like `/oauth/token`, which the router serves it as.
    init(path: String) {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        switch (components.first, components.dropFirst().first) {
        case ("api", _): self = .api
        case ("oauth", "token"): self = .oauth(.token)
        case ("oauth", "revoke"): self = .oauth(.revocation)
        case ("oauth", "register"): self = .oauth(.registration)
        case ("oauth", "userinfo"): self = .oauth(.userInfo)
        case ("oauth", "jwks"), (".well-known", "openid-configuration"): self = .oauth(.metadata)
        default: self = .person
        }
    }
}
