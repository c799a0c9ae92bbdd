import Logging

extension OAuthClient {
    /// Exchanges an authorization code for a user token (`sns/oauth2/access_token`). Never retried automatically.
    ///
    /// - Throws: ``WeChatError`` — e.g. `.api(.invalidCode)` (40029), `.api(.codeBeenUsed)` (40163),
    ///   `.invalidArgument` for an empty or oversized code (no request is made).
    public func exchange(code: String) async throws -> UserToken {
        try Self.check(code, name: "code", maxBytes: 512)
        let response = try await requester.get(
            UserTokenResponse.self,
            path: "/sns/oauth2/access_token",
            query: [
                ("appid", credentials.appID), ("secret", credentials.secret), ("code", code),
                ("grant_type", "authorization_code"),
            ],
            retry: .never)
        let token = response.userToken(receivedAt: clock.now())
        log("wechat code exchanged", token)
        return token
    }

    /// Refreshes a user token (`sns/oauth2/refresh_token`; no secret needed). Retried on transient failures.
    ///
    /// - Throws: ``WeChatError`` — e.g. `.api(.invalidRefreshToken)` (40030), `.api(.refreshTokenExpired)` (42002).
    public func refresh(refreshToken: String) async throws -> UserToken {
        try Self.check(refreshToken, name: "refresh token", maxBytes: 2048)
        let response = try await requester.get(
            UserTokenResponse.self,
            path: "/sns/oauth2/refresh_token",
            query: [("appid", credentials.appID), ("grant_type", "refresh_token"), ("refresh_token", refreshToken)],
            retry: .safe)
        let token = response.userToken(receivedAt: clock.now())
        log("wechat user token refreshed", token)
        return token
    }

    /// Checks a user access token for an openid (`sns/auth`).
    ///
    /// - Returns: `true` for errcode 0; `false` when WeChat says the token or openid is not valid
    ///   (40003, 40001, 40014, 42001, 42007).
    /// - Throws: ``WeChatError`` for transport failures, timeouts, `-1` (after retries) and any other errcode.
    public func isValid(accessToken: String, openID: String) async throws -> Bool {
        try Self.check(accessToken, name: "access token", maxBytes: 2048)
        try Self.check(openID, name: "openid", maxBytes: 128)
        do {
            _ = try await requester.get(
                Acknowledgement.self, path: "/sns/auth", query: [("access_token", accessToken), ("openid", openID)],
                retry: .safe)
            return true
        } catch let error as WeChatError where Self.meansInvalidToken(error) {
            return false
        }
    }

    /// Reads the user's profile (`sns/userinfo`) with a `snsapi_userinfo`/`snsapi_login` user token.
    ///
    /// - Parameter language: the language of region fields (`lang`); `nil` omits it. Default `zh_CN`.
    /// - Throws: ``WeChatError`` — e.g. `.api(.apiUnauthorized)` (48001) for a `snsapi_base` or snapshot token.
    public func userInfo(
        accessToken: String, openID: String, language: UserInfoLanguage? = .simplifiedChinese
    ) async throws -> UserInfo {
        try Self.check(accessToken, name: "access token", maxBytes: 2048)
        try Self.check(openID, name: "openid", maxBytes: 128)
        var query = [("access_token", accessToken), ("openid", openID)]
        if let language { query.append(("lang", language.rawValue)) }
        return try await requester.get(UserInfo.self, path: "/sns/userinfo", query: query, retry: .safe)
    }

    /// Codes for which `sns/auth` answers "not valid" rather than failing.
    static let invalidTokenCodes: Set<WeChatErrorCode> = [
        .invalidOpenID, .invalidCredential, .invalidAccessToken, .accessTokenExpired, .userTokensRevoked,
    ]

    static func meansInvalidToken(_ error: WeChatError) -> Bool {
        guard let code = error.code else { return false }
        return invalidTokenCodes.contains(code)
    }

    static func check(_ value: String, name: String, maxBytes: Int) throws(WeChatError) {
        guard !value.isEmpty, value.utf8.count <= maxBytes else {
            throw WeChatError(.invalidArgument, detail: "\(name) must be 1...\(maxBytes) bytes")
        }
    }

    private func log(_ message: Logger.Message, _ token: UserToken) {
        logger.info(
            message,
            metadata: [
                "wechat.appid": "\(credentials.appID)",
                "wechat.openid": "\(Redaction.identifier(token.openID))",
                "wechat.scopes": "\(token.scopes.map(\.rawValue).sorted().joined(separator: ","))",
                "wechat.has_unionid": "\(token.unionID != nil)",
                "wechat.snapshot_user": "\(token.isSnapshotUser)",
            ])
    }
}

/// An action endpoint's `{"errcode":0,"errmsg":"ok"}` (non-zero codes are thrown before decoding).
struct Acknowledgement: Decodable {}
