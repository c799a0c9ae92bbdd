import Foundation

/// The per-client request rate limits of one instance (`RATE_LIMITS`, `RATE_LIMITS_PER_MINUTE`).
///
/// Each (route class, client) pair has a token bucket that holds one minute's allowance and refills at that rate:
/// a client may send a whole minute's requests at once, then as many per second as the minute allows. The
/// defaults sit far above what a company's crowd behind one NAT sends at its busiest minute and far below a
/// flood's thousand requests in seconds; docs/DEPLOYMENT.md gives the arithmetic.
public struct RateLimits: Sendable, Equatable {
    /// Whether requests are limited at all (`RATE_LIMITS=off` turns them off: benchmarks, a load test).
    public var enabled = true
    /// `GET /login` per client per minute (default 300).
    public var login = 300
    /// `/auth/wechat/callback` per client per minute (default 300: one per sign-in, as `/login`).
    public var callback = 300
    /// `/bind/…` per client per minute (default 120: binding is done once per person, a few requests each).
    public var bind = 120
    /// The JSON API per client per minute (default 600: pages poll `/api/me`).
    public var api = 600
    /// The admin API per client per minute (default 6000, 100 a second: a back end is one client that sends for
    /// everybody, and the batch endpoint carries many messages per request; a runaway loop still stops).
    public var admin = 6000
    /// The OpenID Connect token and userinfo endpoints per client per minute (default 6000, as `admin`: an app's
    /// back end is one client that redeems codes and reads userinfo for all its users).
    public var token = 6000
    /// Buckets kept at most (default 50,000, a few megabytes). Full buckets are forgotten first (they are what a
    /// new client gets anyway); past the cap the least recently used go, so many addresses cannot exhaust memory.
    public var maxTrackedClients = 50_000

    /// The defaults: on.
    public init() {}

    /// Limits turned off.
    public static let off: RateLimits = {
        var limits = RateLimits()
        limits.enabled = false
        return limits
    }()

    /// Requests per minute allowed to one client on `route`.
    public subscript(route: RateLimitedRoute) -> Int {
        get {
            switch route {
            case .login: login
            case .callback: callback
            case .bind: bind
            case .api: api
            case .admin: admin
            case .token: token
            }
        }
        set {
            switch route {
            case .login: login = newValue
            case .callback: callback = newValue
            case .bind: bind = newValue
            case .api: api = newValue
            case .admin: admin = newValue
            case .token: token = newValue
            }
        }
    }
}
