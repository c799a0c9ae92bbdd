import Foundation

/// The default ``AccessTokenStore``: one process's memory. Share one instance between providers in the
/// same process; use a database-backed store to share across processes.
public actor InMemoryAccessTokenStore: AccessTokenStore {
    private struct Lease {
        let holder: String
        let expiresAt: Date
    }

    private var tokens: [String: AccessToken] = [:]
    private var leases: [String: Lease] = [:]
    private let clock: any WeChatClock

    /// Creates an empty store; `clock` decides when leases expire.
    public init(clock: any WeChatClock = SystemWeChatClock()) {
        self.clock = clock
    }

    /// The stored token for `appID`, or `nil`.
    public func load(appID: String) -> AccessToken? { tokens[appID] }

    /// Stores `token` for `appID`.
    public func save(_ token: AccessToken, appID: String) { tokens[appID] = token }

    /// Compare-and-swap on the token's value; see ``AccessTokenStore/replace(appID:ifCurrent:with:)``.
    public func replace(appID: String, ifCurrent expected: String?, with newToken: AccessToken?) -> Bool {
        guard tokens[appID]?.value == expected else { return false }
        tokens[appID] = newToken
        return true
    }

    /// Takes the lease if free, expired, or already held by `holder`.
    public func acquireRefreshLease(appID: String, holder: String, duration: Duration) -> Bool {
        let now = clock.now()
        if let lease = leases[appID], lease.holder != holder, lease.expiresAt > now { return false }
        leases[appID] = Lease(holder: holder, expiresAt: now.addingTimeInterval(duration.timeInterval))
        return true
    }

    /// Releases the lease if `holder` holds it.
    public func releaseRefreshLease(appID: String, holder: String) {
        if leases[appID]?.holder == holder { leases[appID] = nil }
    }
}
