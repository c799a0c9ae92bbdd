/// Where ``AccessTokenProvider`` keeps the ordinary access_token, so several instances can share one token
/// and one refresher (WeChat invalidates the previous token five minutes after a new fetch and caps fetches
/// per day).
///
/// A database-backed implementation keeps one row per AppID with the token and a refresh lease
/// (holder + expiry, taken with a conditional update). Implementations must be safe to call concurrently.
public protocol AccessTokenStore: Sendable {
    /// The stored token for `appID`, valid or not, or `nil`.
    func load(appID: String) async throws -> AccessToken?

    /// Stores `token` for `appID` unconditionally (called by the lease holder after a fetch).
    func save(_ token: AccessToken, appID: String) async throws

    /// Compare-and-swap: replaces the stored token with `newToken` (or removes it when `nil`) only if the
    /// stored token's value is still `expected` (`nil` meaning "no token"). Returns whether it replaced.
    func replace(appID: String, ifCurrent expected: String?, with newToken: AccessToken?) async throws -> Bool

    /// Takes the refresh lease for `appID` for `duration` if it is free, expired, or already held by `holder`.
    /// Returns whether `holder` now holds it. Only a lease holder fetches a new token.
    func acquireRefreshLease(appID: String, holder: String, duration: Duration) async throws -> Bool

    /// Releases the lease if `holder` holds it; otherwise does nothing.
    func releaseRefreshLease(appID: String, holder: String) async throws
}
