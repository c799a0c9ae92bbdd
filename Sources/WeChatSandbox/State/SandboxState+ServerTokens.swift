import Foundation

/// An issued server token and its remaining life.
struct ServerTokenView: Sendable, Codable {
    let access_token: String
    let expires_in: Int
}

extension SandboxState {
    /// `cgi-bin/token`: each fetch supersedes the previous token, which stays valid for the overlap.
    func fetchToken(appID: String, secret: String, now: Date) throws(WeChatAPIError) -> ServerTokenView {
        let app = try authenticate(appID: appID, secret: secret)
        guard app.kind != .website else { throw .apiUnauthorized }
        let limit = app.kind == .testAccount
            ? configuration.limits.testAccountTokenDailyQuota : configuration.limits.tokenDailyQuota
        guard consumeQuota("cgi-bin/token", appID: appID, limit: limit, now: now) else { throw .dailyQuota }
        supersede(appID: appID, family: .ordinary, until: now.addingTimeInterval(configuration.lifetimes.supersededOverlap))
        return mint(appID: appID, family: .ordinary, now: now)
    }

    /// `cgi-bin/stable_token` (§7.2): same token until its last minutes; force refresh limited.
    func fetchStableToken(appID: String, secret: String, force: Bool, now: Date) throws(WeChatAPIError) -> ServerTokenView {
        let app = try authenticate(appID: appID, secret: secret)
        guard app.kind != .website else { throw .apiUnauthorized }
        let limits = configuration.limits
        guard consumeMinuteQuota("stable_token", appID: appID, limit: limits.stableTokenMinuteQuota, now: now) else {
            throw .minuteQuota
        }
        guard consumeQuota("stable_token", appID: appID, limit: limits.stableTokenDailyQuota, now: now) else {
            throw .dailyQuota
        }
        let key = Self.key(ServerTokenFamily.stable.rawValue, appID)
        let lifetimes = configuration.lifetimes
        if force {
            let spaced = lastForcedRefresh[appID].map { now.timeIntervalSince($0) >= lifetimes.stableForceSpacing } ?? true
            if spaced {
                guard consumeQuota("stable_token.force", appID: appID, limit: limits.stableForceDailyQuota, now: now) else {
                    throw .dailyQuota
                }
                lastForcedRefresh[appID] = now
                supersede(appID: appID, family: .stable, until: now)
                return mint(appID: appID, family: .stable, now: now)
            }
        }
        if let token = currentServerToken[key], let record = serverTokens[token],
           now < record.expiresAt.addingTimeInterval(-lifetimes.stableRenewWindow) {
            return ServerTokenView(access_token: token, expires_in: remaining(record.expiresAt, now))
        }
        // Renewal in the last minutes: the old token keeps its natural expiry.
        supersede(appID: appID, family: .stable, until: nil)
        return mint(appID: appID, family: .stable, now: now)
    }

    /// Resolves a server token to its app: 40001 unknown or superseded past the overlap, 42001 expired.
    func serverTokenApp(_ token: String, now: Date) throws(WeChatAPIError) -> SandboxConfiguration.App {
        guard let record = serverTokens[token], let app = apps[record.appID] else { throw .invalidCredential }
        guard now < record.validUntil else {
            throw record.superseded && record.validUntil < record.expiresAt ? .invalidCredential : .accessTokenExpired
        }
        return app
    }

    private func supersede(appID: String, family: ServerTokenFamily, until: Date?) {
        let key = Self.key(family.rawValue, appID)
        guard let old = currentServerToken[key], var record = serverTokens[old] else { return }
        record.superseded = true
        if let until { record.validUntil = min(record.validUntil, until) }
        serverTokens[old] = record
    }

    private func mint(appID: String, family: ServerTokenFamily, now: Date) -> ServerTokenView {
        if serverTokens.count >= nextServerTokenPurge {
            // An expired token answers 42001 only while WeChat remembers it; the sandbox keeps it until a purge.
            let current = Set(currentServerToken.values)
            serverTokens = serverTokens.filter { now < $0.value.expiresAt || current.contains($0.key) }
            nextServerTokenPurge = Self.nextPurge(after: serverTokens.count)
        }
        let token = Identifiers.token()
        let expires = now.addingTimeInterval(configuration.lifetimes.serverAccessToken)
        serverTokens[token] = ServerTokenRecord(
            appID: appID, family: family, issuedAt: now, expiresAt: expires, validUntil: expires, superseded: false)
        currentServerToken[Self.key(family.rawValue, appID)] = token
        return ServerTokenView(access_token: token, expires_in: remaining(expires, now))
    }

    private func remaining(_ date: Date, _ now: Date) -> Int {
        max(0, Int(date.timeIntervalSince(now).rounded()))
    }
}
