extension OAuthClient {
    /// The official-account authorization URL for this app; see ``AuthorizationURL/officialAccount(appID:redirectURI:scope:state:forcePopup:connectRedirect:endpoint:)``.
    public func officialAccountAuthorizationURL(
        redirectURI: String, scope: OAuthScope, state: OAuthState?, forcePopup: Bool = false,
        connectRedirect: Bool = false
    ) -> String {
        AuthorizationURL.officialAccount(
            appID: credentials.appID, redirectURI: redirectURI, scope: scope, state: state, forcePopup: forcePopup,
            connectRedirect: connectRedirect, endpoint: configuration.endpoint)
    }

    /// The full-page QR login URL for this app; see ``AuthorizationURL/qrConnect(appID:redirectURI:state:language:endpoint:)``.
    public func qrConnectURL(redirectURI: String, state: OAuthState?, language: QRConnectLanguage? = nil) -> String {
        AuthorizationURL.qrConnect(
            appID: credentials.appID, redirectURI: redirectURI, state: state, language: language,
            endpoint: configuration.endpoint)
    }

    /// Inline (`wxLogin.js`) QR login options for this app; see ``InlineQRLogin``.
    public func inlineQRLogin(
        containerID: String, redirectURI: String, state: OAuthState, selfRedirect: Bool? = nil,
        style: InlineQRLogin.Style? = nil, stylesheetURL: String? = nil
    ) -> InlineQRLogin {
        InlineQRLogin(
            containerID: containerID, appID: credentials.appID, redirectURI: redirectURI, state: state,
            selfRedirect: selfRedirect, style: style, stylesheetURL: stylesheetURL)
    }
}
