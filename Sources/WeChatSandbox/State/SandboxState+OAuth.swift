import Foundation

/// The fields of an sns token response, before JSON encoding.
struct SnsTokenGrantView: Sendable {
    let accessToken: String
    let expiresIn: Int
    let refreshToken: String
    let openID: String
    let scope: String
    let unionID: String?
    let isSnapshotUser: Bool
}

extension SandboxState {
    /// Issues a single-use code bound to (app, user, scope).
    func issueCode(appID: String, userID: String, scope: String, now: Date) -> String {
        let lifetime = scope == "snsapi_login"
            ? configuration.lifetimes.websiteCode : configuration.lifetimes.officialAccountCode
        if codes.count >= nextCodePurge {
            codes = codes.filter { !$0.value.used && now < $0.value.expiresAt }
            nextCodePurge = Self.nextPurge(after: codes.count)
        }
        let code = Identifiers.code()
        codes[code] = CodeRecord(
            appID: appID, userID: userID, scope: scope, expiresAt: now.addingTimeInterval(lifetime), used: false)
        return code
    }

    /// Checks an app's credentials in WeChat's order: 40013 then 40125.
    func authenticate(appID: String, secret: String) throws(WeChatAPIError) -> SandboxConfiguration.App {
        guard let app = apps[appID] else { throw .invalidAppID }
        guard app.secret == secret else { throw .invalidAppSecret }
        return app
    }

    /// `sns/oauth2/access_token` after parameter checks.
    func exchange(appID: String, secret: String, code: String, now: Date) throws(WeChatAPIError) -> SnsTokenGrantView {
        _ = try authenticate(appID: appID, secret: secret)
        try consumeSnsMinuteQuota("sns/oauth2/access_token", appID: appID, now: now)
        guard var record = codes[code], record.appID == appID else { throw .invalidCode }
        guard !record.used else { throw .codeBeenUsed }
        guard now < record.expiresAt else {
            throw configuration.choices.staleCode == .codeExpired ? .codeExpired : .invalidCode
        }
        record.used = true
        codes[code] = record
        let lifetimes = configuration.lifetimes
        let grant = SnsGrant(
            accessToken: Identifiers.token(), accessExpiresAt: now.addingTimeInterval(lifetimes.snsAccessToken),
            refreshToken: Identifiers.token(), refreshExpiresAt: now.addingTimeInterval(lifetimes.snsRefreshToken),
            appID: appID, userID: record.userID, scope: record.scope, issuedAt: now)
        if grants.count >= nextGrantPurge { purgeGrants(now: now) }
        nextGrantID += 1
        grants[nextGrantID] = grant
        grantByAccess[grant.accessToken] = nextGrantID
        grantByRefresh[grant.refreshToken] = nextGrantID
        return view(of: grant, now: now)
    }

    /// Drops grants whose refresh token has expired (WeChat forgets them: 42002, then unknown), with their lookups.
    func purgeGrants(now: Date) {
        for (id, grant) in grants where now >= grant.refreshExpiresAt {
            grants[id] = nil
            grantByAccess[grant.accessToken] = nil
            grantByRefresh[grant.refreshToken] = nil
        }
        nextGrantPurge = Self.nextPurge(after: grants.count)
    }

    /// `sns/oauth2/refresh_token` after parameter checks (§4: same token renewed before expiry, new after).
    func refresh(appID: String, refreshToken: String, now: Date) throws(WeChatAPIError) -> SnsTokenGrantView {
        guard apps[appID] != nil else { throw .invalidAppID }
        try consumeSnsMinuteQuota("sns/oauth2/refresh_token", appID: appID, now: now)
        guard let id = grantByRefresh[refreshToken], var grant = grants[id], grant.appID == appID else {
            throw .invalidRefreshToken
        }
        guard !voidedByPasswordChange(grant) else { throw .tokenException }
        guard now < grant.refreshExpiresAt else { throw .refreshTokenExpired }
        if now >= grant.accessExpiresAt {
            grantByAccess[grant.accessToken] = nil
            retiredAccessTokens.insert(grant.accessToken)
            grant.accessToken = Identifiers.token()
            grantByAccess[grant.accessToken] = id
        }
        grant.accessExpiresAt = now.addingTimeInterval(configuration.lifetimes.snsAccessToken)
        grants[id] = grant
        return view(of: grant, now: now)
    }

    /// Resolves a user access_token: 40001 unknown, 42001 expired.
    func snsGrant(accessToken: String, now: Date) throws(WeChatAPIError) -> SnsGrant {
        guard let id = grantByAccess[accessToken], let grant = grants[id] else {
            throw retiredAccessTokens.contains(accessToken) ? .accessTokenExpired : .invalidCredential
        }
        guard !voidedByPasswordChange(grant) else { throw .tokenException }
        guard now < grant.accessExpiresAt else { throw .accessTokenExpired }
        return grant
    }

    /// 45011 once an sns endpoint's per-minute quota of the app is used up (spec §3: 50,000 calls/minute).
    private func consumeSnsMinuteQuota(_ endpoint: String, appID: String, now: Date) throws(WeChatAPIError) {
        guard consumeMinuteQuota(endpoint, appID: appID, limit: configuration.limits.snsMinuteQuota, now: now) else {
            throw .minuteQuota
        }
    }

    /// The user changed their WeChat password: every earlier grant answers 42007.
    func changePassword(userID: String, now: Date) {
        passwordChanges[userID] = now
    }

    private func voidedByPasswordChange(_ grant: SnsGrant) -> Bool {
        guard let changed = passwordChanges[grant.userID] else { return false }
        return grant.issuedAt <= changed
    }

    /// `sns/auth`: 0 when the token is valid for this openid.
    func checkSnsToken(accessToken: String, openID: String, now: Date) throws(WeChatAPIError) {
        let grant = try snsGrant(accessToken: accessToken, now: now)
        try consumeSnsMinuteQuota("sns/auth", appID: grant.appID, now: now)
        guard self.openID(userID: grant.userID, appID: grant.appID) == openID else { throw .invalidOpenID }
    }

    /// `sns/userinfo`: the profile behind a userinfo/login-scope token.
    func userInfo(accessToken: String, openID: String, now: Date) throws(WeChatAPIError) -> SnsUserInfo {
        let grant = try snsGrant(accessToken: accessToken, now: now)
        try consumeSnsMinuteQuota("sns/userinfo", appID: grant.appID, now: now)
        guard grant.scope != "snsapi_base", let user = users[grant.userID] else { throw .apiUnauthorized }
        if user.isSnapshotUser && configuration.choices.snapshotUserinfoUnauthorized { throw .apiUnauthorized }
        guard self.openID(userID: grant.userID, appID: grant.appID) == openID else { throw .invalidOpenID }
        return SnsUserInfo(
            openid: openID, nickname: user.nickname, sex: 0, province: "", city: "", country: "",
            headimgurl: "\(configuration.publicBaseURL)/sandbox/avatar/\(user.id).svg",
            privilege: user.privilege, unionid: unionID(userID: user.id, appID: grant.appID))
    }

    private func view(of grant: SnsGrant, now: Date) -> SnsTokenGrantView {
        let userScope = grant.scope == "snsapi_userinfo" || grant.scope == "snsapi_login"
        return SnsTokenGrantView(
            accessToken: grant.accessToken,
            expiresIn: max(0, Int(grant.accessExpiresAt.timeIntervalSince(now).rounded())),
            refreshToken: grant.refreshToken, openID: openID(userID: grant.userID, appID: grant.appID),
            scope: grant.scope, unionID: userScope ? unionID(userID: grant.userID, appID: grant.appID) : nil,
            isSnapshotUser: users[grant.userID]?.isSnapshotUser ?? false)
    }

    /// Whether the user already granted `snsapi_userinfo` to the app.
    func hasConsent(userID: String, appID: String) -> Bool {
        consents.contains(Self.key(userID, appID))
    }

    func recordConsent(userID: String, appID: String) {
        consents.insert(Self.key(userID, appID))
    }
}

/// The `sns/userinfo` success body.
struct SnsUserInfo: Sendable, Codable {
    let openid: String
    let nickname: String
    let sex: Int
    let province: String
    let city: String
    let country: String
    let headimgurl: String
    let privilege: [String]
    let unionid: String?
}
