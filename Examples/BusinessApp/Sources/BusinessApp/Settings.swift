import Foundation

/// Everything the app needs to know, read once from the environment at start-up.
struct Settings: Sendable {
    /// The provider's issuer, exactly as its discovery document states it (`PUBLIC_URL` of wechat-login).
    var issuer: String = "http://127.0.0.1:8080"
    /// Where people reach this app; the redirect URI and the sign-out return address are built from it.
    var appURL: String = "http://127.0.0.1:3000"
    /// The address to listen on.
    var hostname: String = "127.0.0.1"
    /// The scopes asked for.
    var scope: String = "openid profile phone"
    /// A client registered beforehand (the admin API), instead of registering on first start.
    var clientID: String?
    var clientSecret: String?
    /// The initial access token for registering on first start (wechat-login's `ADMIN_API_TOKEN`).
    var adminToken: String?
    /// Where the registered client's id and secret are kept between restarts (mode 0600).
    var clientFile: String = ".business-app-client.json"

    /// The redirect URI registered with the provider and sent in every authorization request.
    var redirectURI: String { appURL + "/callback" }
    /// Where the provider sends the browser after RP-initiated logout.
    var signedOutURI: String { appURL + "/signed-out" }
    /// The port of ``appURL`` (the app listens there).
    var port: Int { URLComponents(string: appURL)?.port ?? (appURL.hasPrefix("https:") ? 443 : 80) }
    /// Cookies are Secure when people reach the app over https.
    var isHTTPS: Bool { appURL.hasPrefix("https://") }

    /// The names of the environment variables (README lists them).
    enum Variable {
        static let issuer = "ISSUER_URL"
        static let appURL = "APP_URL"
        static let hostname = "HOST"
        static let scope = "SCOPE"
        static let clientID = "CLIENT_ID"
        static let clientSecret = "CLIENT_SECRET"
        static let adminToken = "ADMIN_API_TOKEN"
        static let clientFile = "CLIENT_FILE"
    }

    /// A setting that cannot work, with what to do about it.
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func fromEnvironment(_ environment: [String: String]) throws -> Settings {
        func value(_ name: String) -> String? {
            let raw = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines)
            return (raw?.isEmpty ?? true) ? nil : raw
        }
        func baseURL(_ name: String) throws -> String? {
            guard let raw = value(name) else { return nil }
            guard let url = URLComponents(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host != nil,
                  url.query == nil, url.fragment == nil else {
                throw Invalid(description: "\(name) must be an http(s) base URL, such as http://127.0.0.1:8080")
            }
            return String(raw.reversed().drop(while: { $0 == "/" }).reversed())
        }
        var settings = Settings()
        if let issuer = try baseURL(Variable.issuer) { settings.issuer = issuer }
        if let app = try baseURL(Variable.appURL) { settings.appURL = app }
        if let host = value(Variable.hostname) { settings.hostname = host }
        if let scope = value(Variable.scope) {
            guard scope.split(separator: " ").contains("openid") else {
                throw Invalid(description: "\(Variable.scope) must contain openid")
            }
            settings.scope = scope
        }
        settings.clientID = value(Variable.clientID)
        settings.clientSecret = value(Variable.clientSecret)
        guard (settings.clientID == nil) == (settings.clientSecret == nil) else {
            throw Invalid(description: "set both \(Variable.clientID) and \(Variable.clientSecret), or neither")
        }
        settings.adminToken = value(Variable.adminToken)
        if let file = value(Variable.clientFile) { settings.clientFile = file }
        return settings
    }
}
