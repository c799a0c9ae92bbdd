import Foundation
import Vapor

/// Who the simulated WeChat user of a browser request is.
enum BrowserIdentity: Sendable {
    case user(SandboxConfiguration.User)
    case unknown(String)
    case none
}

extension Sandbox {
    static let userHeader = "X-Sandbox-User"
    static let userCookie = "sandbox_user"

    /// The `X-Sandbox-User` header (automation), else the cookie chosen on `/sandbox/whoami`.
    func identity(of req: Request) async -> BrowserIdentity {
        let id = req.headers.first(name: Self.userHeader) ?? req.cookies[Self.userCookie]?.string
        guard let id, !id.isEmpty else { return .none }
        guard let user = await state.users[id] else { return .unknown(id) }
        return .user(user)
    }

    /// The page that asks the browser who it is, coming back to this request afterwards.
    static func whoamiRedirect(for req: Request) -> Response {
        var target = req.url.path
        if let query = req.url.query { target += "?" + query }
        let encoded = target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"
        return HTML.redirect("/sandbox/whoami?return=\(encoded)")
    }

    /// `redirect_uri` with `code` (when given) and `state` appended (`?` or `&`, spec §1.4).
    static func callbackURL(_ redirectURI: String, code: String?, state: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let encodedState = state.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        let (base, fragment) = splitFragment(redirectURI)
        var url = base + (base.contains("?") ? "&" : "?")
        if let code { url += "code=\(code)&" }
        url += "state=\(encodedState)"
        return url + fragment
    }

    private static func splitFragment(_ uri: String) -> (String, String) {
        guard let index = uri.firstIndex(of: "#") else { return (uri, "") }
        return (String(uri[..<index]), String(uri[index...]))
    }

    /// Whether the redirect URI's host is the configured domain (full host; port only when configured).
    static func hostMatches(_ redirectURI: String, domain: String?) -> Bool {
        guard let domain = domain?.lowercased(), !domain.isEmpty,
              let components = URLComponents(string: redirectURI),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host?.lowercased(), !host.isEmpty
        else { return false }
        if domain.contains(":") {
            let port = components.port ?? (scheme == "https" ? 443 : 80)
            return "\(host):\(port)" == domain
        }
        return host == domain
    }
}
