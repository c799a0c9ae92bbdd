/// Website QR login embedded in your own page with WeChat's `wxLogin.js` (`new WxLogin({...})`).
///
/// ``options`` is the JSON object to pass to `new WxLogin(...)`; ``frameURL(endpoint:)`` is the iframe `src`
/// that `wxLogin.js` builds from it (useful for embedding the iframe directly, or for a sandbox):
/// `connect/qrconnect?appid&scope&redirect_uri&state&login_type=jssdk&self_redirect=…&styletype=&sizetype=&bgcolor=&rst=`,
/// then `&style=` and `&href=` when set — values inserted as they are, with no `response_type` and
/// no `#wechat_redirect`.
public struct InlineQRLogin: Sendable, Hashable {
    /// The QR code's text colour scheme (`style`).
    public enum Style: String, Sendable, Hashable, Codable {
        /// Dark text, for light pages (WeChat's default).
        case black
        /// Light text, for dark pages.
        case white
    }

    /// The id of the HTML element that receives the iframe (`id`).
    public var containerID: String
    /// The Open Platform website application's AppID (`appid`).
    public var appID: String
    /// The callback URL, unencoded; WeChatKit encodes it as `wxLogin.js` requires (`redirect_uri`).
    public var redirectURI: String
    /// The CSRF state (`state`). Required: `wxLogin.js` would otherwise send the text `undefined`.
    public var state: OAuthState
    /// `true`: navigate inside the iframe after confirmation; `false`: navigate the top window;
    /// `nil`: let WeChat decide (`self_redirect=default`).
    public var selfRedirect: Bool?
    /// The QR code's colour scheme (`style`), omitted when `nil`.
    public var style: Style?
    /// An https (or `data:text/css;base64,`) stylesheet URL overriding the look (`href`), inserted as is.
    public var stylesheetURL: String?
    /// Switches to WeChat's new UI (`stylelite: 1`); passed to `wxLogin.js` only, not added to ``frameURL(endpoint:)``.
    public var styleLite: Bool
    /// `false` disables desktop quick login (`fast_login: 0`); passed to `wxLogin.js` only.
    public var fastLogin: Bool?
    /// The UI language (`lang`); `wxLogin.js` appends `&lang=en` for English only.
    public var language: QRConnectLanguage?

    /// Creates inline QR options; only the container, AppID, redirect URI and state are required.
    public init(
        containerID: String,
        appID: String,
        redirectURI: String,
        state: OAuthState,
        selfRedirect: Bool? = nil,
        style: Style? = nil,
        stylesheetURL: String? = nil,
        styleLite: Bool = false,
        fastLogin: Bool? = nil,
        language: QRConnectLanguage? = nil
    ) {
        self.containerID = containerID
        self.appID = appID
        self.redirectURI = redirectURI
        self.state = state
        self.selfRedirect = selfRedirect
        self.style = style
        self.stylesheetURL = stylesheetURL
        self.styleLite = styleLite
        self.fastLogin = fastLogin
        self.language = language
    }

    /// The iframe `src` exactly as `wxLogin.js` builds it from ``options``.
    public func frameURL(endpoint: Endpoint = .production) -> String {
        let selfRedirectValue = selfRedirect.map { $0 ? "true" : "false" } ?? "default"
        var url = endpoint.openURL(path: "/connect/qrconnect")
        url += "?appid=" + appID
        url += "&scope=" + OAuthScope.snsapiLogin.rawValue
        url += "&redirect_uri=" + QueryString.encode(redirectURI)
        url += "&state=" + state.rawValue
        url += "&login_type=jssdk&self_redirect=" + selfRedirectValue
        url += "&styletype=&sizetype=&bgcolor=&rst="
        if let style { url += "&style=" + style.rawValue }
        if let stylesheetURL, !stylesheetURL.isEmpty { url += "&href=" + stylesheetURL }
        if language == .english { url += "&lang=en" }
        return url
    }

    /// The object to pass to `new WxLogin(...)`, as an `Encodable` value with WeChat's option names.
    public var options: Options {
        Options(
            selfRedirect: selfRedirect, id: containerID, appid: appID, scope: OAuthScope.snsapiLogin.rawValue,
            redirectURI: QueryString.encode(redirectURI), state: state.rawValue, style: style?.rawValue,
            href: stylesheetURL, stylelite: styleLite ? 1 : nil, fastLogin: fastLogin == false ? 0 : nil,
            lang: language?.rawValue)
    }

    /// The `new WxLogin({...})` options; absent options are omitted from the JSON.
    public struct Options: Sendable, Hashable, Codable {
        /// `self_redirect`.
        public var selfRedirect: Bool?
        /// `id`: the container element id.
        public var id: String
        /// `appid`.
        public var appid: String
        /// `scope`: always `snsapi_login`.
        public var scope: String
        /// `redirect_uri`, already percent-encoded as `wxLogin.js` requires.
        public var redirectURI: String
        /// `state`.
        public var state: String
        /// `style`: `black` or `white`.
        public var style: String?
        /// `href`: custom stylesheet URL.
        public var href: String?
        /// `stylelite`: `1` for the new UI.
        public var stylelite: Int?
        /// `fast_login`: `0` disables desktop quick login.
        public var fastLogin: Int?
        /// `lang`: `cn` or `en`.
        public var lang: String?

        enum CodingKeys: String, CodingKey {
            case selfRedirect = "self_redirect", id, appid, scope, redirectURI = "redirect_uri", state, style, href
            case stylelite, fastLogin = "fast_login", lang
        }
    }
}
