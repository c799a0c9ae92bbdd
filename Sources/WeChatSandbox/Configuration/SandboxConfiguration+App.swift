import Foundation

extension SandboxConfiguration {
    /// The kind of a sandbox app, which decides the pages and APIs it may use.
    public enum AppKind: String, Sendable, Codable {
        /// A verified service account: both web-auth scopes, server APIs, template messages.
        case officialAccount
        /// An Open Platform website app: QR login (`snsapi_login`) only.
        case website
        /// An official-account test account: the user must follow it (10006), token quota 200/day.
        case testAccount
    }

    /// How the app's server receives pushes.
    public enum EncryptionMode: String, Sendable, Codable {
        /// Plain XML.
        case plaintext
        /// Plain fields plus `<Encrypt>`.
        case compatible
        /// Only `<Encrypt>` (AES safe mode).
        case safe
    }

    /// A template message template of an official account.
    public struct Template: Sendable, Codable, Equatable {
        /// The template id (43 characters like WeChat's).
        public var id: String
        /// A short title.
        public var title: String
        /// The content with `{{key.DATA}}` placeholders.
        public var content: String

        /// Creates a template.
        public init(id: String, title: String, content: String) {
            self.id = id
            self.title = title
            self.content = content
        }
    }

    /// One button of an official account's custom menu: a `view` button opens a URL in WeChat's browser, a `click`
    /// button pushes `Event=CLICK` with its `key` to the account's server.
    public struct MenuItem: Sendable, Codable, Equatable {
        /// WeChat's two basic button types.
        public enum ButtonType: String, Sendable, Codable {
            case view, click
        }

        /// The button's label.
        public var name: String
        /// `view` (the default, the old shape `{"name","url"}`) or `click`.
        public var type: ButtonType
        /// The page a `view` button opens: an authorization link or one of the business's pages.
        public var url: String?
        /// The `EventKey` a `click` button pushes.
        public var key: String?

        /// Creates a `view` button.
        public init(name: String, url: String) {
            self.name = name
            self.type = .view
            self.url = url
        }

        /// Creates a `click` button.
        public init(name: String, key: String) {
            self.name = name
            self.type = .click
            self.key = key
        }

        /// Decodes a button; `type` defaults to `view`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            type = try c.decodeIfPresent(ButtonType.self, forKey: .type) ?? .view
            url = try c.decodeIfPresent(String.self, forKey: .url)
            key = try c.decodeIfPresent(String.self, forKey: .key)
        }
    }

    /// One app of the world.
    public struct App: Sendable, Codable, Equatable {
        /// `wx` + 16 lowercase hex.
        public var appID: String
        /// The AppSecret.
        public var secret: String
        /// What kind of app this is.
        public var kind: AppKind
        /// Display name (shown on consent and confirm pages).
        public var name: String
        /// Original id `gh_` + 12 hex (official and test accounts).
        public var originalID: String?
        /// Open Platform account id; apps sharing it share unionids.
        public var openPlatformID: String?
        /// The web-auth domain (host, optionally `host:port`) for `connect/oauth2/authorize`.
        public var webAuthDomain: String?
        /// The authorization callback domain of a website app.
        public var callbackDomain: String?
        /// Scopes the account owns.
        public var scopes: [String]
        /// The developer server URL receiving pushes, if any.
        public var serverURL: String?
        /// The server Token used for signatures.
        public var token: String?
        /// The 43-character EncodingAESKey.
        public var encodingAESKey: String?
        /// The push encryption mode.
        public var encryptionMode: EncryptionMode
        /// Templates added to the account.
        public var templates: [Template]
        /// Whether the authorize page demands a non-empty `state` (10013).
        public var requiresState: Bool
        /// Whether the account is banned (10004).
        public var banned: Bool
        /// Whether web authorization is delegated to a third-party platform the account has not authorized (10015).
        public var thirdPartyUnauthorized: Bool
        /// The API IP whitelist of `cgi-bin/token` and `stable_token` (40164 for other callers); nil: no whitelist.
        public var ipWhitelist: [String]?
        /// Whether `connect/oauth2/authorize` answers WeChat's 请在微信客户端打开链接 page to a browser without
        /// WeChat's user agent (as real WeChat does) instead of the sandbox's user picker.
        public var requiresWeChatBrowser: Bool
        /// The custom menu on the account's chat view in the simulated phone (at most 3 buttons, like WeChat's
        /// top level); opening one counts as entering from the menu (spec §1.3 special silent case).
        public var menu: [MenuItem]

        /// Creates an app.
        public init(
            appID: String, secret: String, kind: AppKind, name: String, originalID: String? = nil,
            openPlatformID: String? = nil, webAuthDomain: String? = nil, callbackDomain: String? = nil,
            scopes: [String]? = nil, serverURL: String? = nil, token: String? = nil,
            encodingAESKey: String? = nil, encryptionMode: EncryptionMode = .safe,
            templates: [Template] = [], requiresState: Bool = false, banned: Bool = false,
            thirdPartyUnauthorized: Bool = false, ipWhitelist: [String]? = nil,
            requiresWeChatBrowser: Bool = false, menu: [MenuItem] = []
        ) {
            self.appID = appID
            self.secret = secret
            self.kind = kind
            self.name = name
            self.originalID = originalID
            self.openPlatformID = openPlatformID
            self.webAuthDomain = webAuthDomain
            self.callbackDomain = callbackDomain
            self.scopes = scopes ?? (kind == .website ? ["snsapi_login"] : ["snsapi_base", "snsapi_userinfo"])
            self.serverURL = serverURL
            self.token = token
            self.encodingAESKey = encodingAESKey
            self.encryptionMode = encryptionMode
            self.templates = templates
            self.requiresState = requiresState
            self.banned = banned
            self.thirdPartyUnauthorized = thirdPartyUnauthorized
            self.ipWhitelist = ipWhitelist
            self.requiresWeChatBrowser = requiresWeChatBrowser
            self.menu = menu
        }

        /// Decodes an app; only `appID`, `secret`, `kind` and `name` are required.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                appID: try c.decode(String.self, forKey: .appID), secret: try c.decode(String.self, forKey: .secret),
                kind: try c.decode(AppKind.self, forKey: .kind), name: try c.decode(String.self, forKey: .name),
                originalID: try c.decodeIfPresent(String.self, forKey: .originalID),
                openPlatformID: try c.decodeIfPresent(String.self, forKey: .openPlatformID),
                webAuthDomain: try c.decodeIfPresent(String.self, forKey: .webAuthDomain),
                callbackDomain: try c.decodeIfPresent(String.self, forKey: .callbackDomain),
                scopes: try c.decodeIfPresent([String].self, forKey: .scopes),
                serverURL: try c.decodeIfPresent(String.self, forKey: .serverURL),
                token: try c.decodeIfPresent(String.self, forKey: .token),
                encodingAESKey: try c.decodeIfPresent(String.self, forKey: .encodingAESKey),
                encryptionMode: try c.decodeIfPresent(EncryptionMode.self, forKey: .encryptionMode) ?? .safe,
                templates: try c.decodeIfPresent([Template].self, forKey: .templates) ?? [],
                requiresState: try c.decodeIfPresent(Bool.self, forKey: .requiresState) ?? false,
                banned: try c.decodeIfPresent(Bool.self, forKey: .banned) ?? false,
                thirdPartyUnauthorized: try c.decodeIfPresent(Bool.self, forKey: .thirdPartyUnauthorized) ?? false,
                ipWhitelist: try c.decodeIfPresent([String].self, forKey: .ipWhitelist),
                requiresWeChatBrowser: try c.decodeIfPresent(Bool.self, forKey: .requiresWeChatBrowser) ?? false,
                menu: try c.decodeIfPresent([MenuItem].self, forKey: .menu) ?? [])
        }
    }
}

extension SandboxConfiguration.MenuItem {
    /// WeChat's limits for a custom menu's top level: at most 3 buttons, short names; a `view` button's http(s)
    /// URL of at most 1024 bytes, a `click` button's key of 1–128 bytes.
    static func isValidMenu(_ items: [Self]) -> Bool {
        items.count <= 3 && items.allSatisfy { item in
            guard !item.name.isEmpty, item.name.count <= 16 else { return false }
            switch item.type {
            case .click:
                guard let key = item.key, (1...128).contains(key.utf8.count) else { return false }
                return true
            case .view:
                guard let url = item.url, url.utf8.count <= 1024,
                      let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
                      scheme == "http" || scheme == "https", components.host?.isEmpty == false
                else { return false }
                return true
            }
        }
    }
}
