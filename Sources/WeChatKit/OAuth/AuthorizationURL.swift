/// Builders for WeChat's browser authorization URLs, as pure functions.
///
/// Parameters come in the order WeChat's link check enforces (`appid, redirect_uri, response_type, scope,
/// state`), extras after `state`, and `redirect_uri` percent-encoded as a whole.
public enum AuthorizationURL {
    /// Official-account H5 authorization (`connect/oauth2/authorize`), to be opened inside WeChat.
    ///
    /// - Parameters:
    ///   - appID: the official account's AppID.
    ///   - redirectURI: the callback URL, unencoded; its host must be the configured web-authorization domain.
    ///   - scope: ``OAuthScope/snsapiBase`` (silent, openid only) or ``OAuthScope/snsapiUserinfo`` (consent).
    ///   - state: the CSRF state; omitted from the URL when `nil`.
    ///   - forcePopup: appends `forcePopup=true` to force the consent dialog.
    ///   - connectRedirect: appends the undocumented `connect_redirect=1` (WxJava/socialite do, to curb
    ///     duplicate callbacks).
    ///   - endpoint: WeChat or a sandbox.
    /// - Returns: the URL string, ending with `#wechat_redirect`.
    public static func officialAccount(
        appID: String,
        redirectURI: String,
        scope: OAuthScope,
        state: OAuthState?,
        forcePopup: Bool = false,
        connectRedirect: Bool = false,
        endpoint: Endpoint = .production
    ) -> String {
        var items = standardItems(appID: appID, redirectURI: redirectURI, scope: scope, state: state)
        if forcePopup { items.append(("forcePopup", "true")) }
        if connectRedirect { items.append(("connect_redirect", "1")) }
        return endpoint.openURL(path: "/connect/oauth2/authorize", query: QueryString.build(items)) + "#wechat_redirect"
    }

    /// Website QR login as a full page (`connect/qrconnect`, scope `snsapi_login`).
    ///
    /// - Parameters:
    ///   - appID: the Open Platform website application's AppID.
    ///   - redirectURI: the callback URL, unencoded.
    ///   - state: the CSRF state; omitted from the URL when `nil`.
    ///   - language: the page language (`lang=cn`/`lang=en`); omitted when `nil` (WeChat defaults to Chinese).
    ///   - endpoint: WeChat or a sandbox.
    /// - Returns: the URL string, ending with `#wechat_redirect`.
    public static func qrConnect(
        appID: String,
        redirectURI: String,
        state: OAuthState?,
        language: QRConnectLanguage? = nil,
        endpoint: Endpoint = .production
    ) -> String {
        var items = standardItems(appID: appID, redirectURI: redirectURI, scope: .snsapiLogin, state: state)
        if let language { items.append(("lang", language.rawValue)) }
        return endpoint.openURL(path: "/connect/qrconnect", query: QueryString.build(items)) + "#wechat_redirect"
    }

    private static func standardItems(
        appID: String, redirectURI: String, scope: OAuthScope, state: OAuthState?
    ) -> [(String, String)] {
        var items = [("appid", appID), ("redirect_uri", redirectURI), ("response_type", "code"), ("scope", scope.rawValue)]
        if let state { items.append(("state", state.rawValue)) }
        return items
    }
}

/// The UI language of the full-page QR login (`lang`).
public enum QRConnectLanguage: String, Sendable, Hashable, Codable {
    /// Chinese (WeChat's default).
    case chinese = "cn"
    /// English.
    case english = "en"
}
