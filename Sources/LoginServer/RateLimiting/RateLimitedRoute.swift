/// The groups of routes that have their own request rate limit (`RATE_LIMITS_PER_MINUTE` names them).
public enum RateLimitedRoute: String, Sendable, CaseIterable {
    /// `GET /login`, and the OpenID Connect authorization endpoint (`/oauth/authorize…`), which writes a pending
    /// request or a code: each request writes a row.
    case login
    /// `/auth/wechat/callback`: each request spends a WeChat code (a call to WeChat and database writes).
    case callback
    /// `/bind/…`: the binding form, sending and checking one-time codes.
    case bind
    /// The JSON API under `/api/…` for signed-in people (not the admin API).
    case api
    /// The admin API (`/api/admin/…`, `/api/template-messages…`, and client registration at `/oauth/register`) for
    /// the business's back end.
    case admin
    /// The OpenID Connect token, userinfo and revocation endpoints (`/oauth/token`, `/oauth/userinfo`, `/oauth/revoke`), called by apps' back ends.
    case token

    /// The class of a request path, or nil when the path is not limited (`/`, `/healthz`, `/metrics`,
    /// `/wechat/events`, …).
    ///
    /// Splits the path the way Vapor's router does (on `/`, dropping empty components, case-sensitive), so that
    /// `//login` or `/login/` cannot reach a limited route unlimited.
    init?(path: String) {
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        guard let first = components.first else { return nil }
        switch first {
        case "login": self = .login
        case "bind": self = .bind
        case "auth" where components.dropFirst().starts(with: ["wechat", "callback"]): self = .callback
        case "oauth" where components.dropFirst().first == "register": self = .admin
        case "oauth" where components.dropFirst().first == "authorize": self = .login
        case "oauth" where ["token", "userinfo", "revoke"].contains(components.dropFirst().first): self = .token
        case "api":
            let second = components.dropFirst().first
            self = second == "admin" || second == "template-messages" ? .admin : .api
        default: return nil
        }
    }
}
