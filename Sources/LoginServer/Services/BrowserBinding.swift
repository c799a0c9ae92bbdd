import Crypto
import Foundation
import Vapor
import WeChatKit

/// A random value in an HttpOnly cookie that ties a login `state` to the browser that started the login.
///
/// Only its SHA-256 is stored with the state, so a callback carrying a valid `state` from another browser (a
/// forwarded link, a login-CSRF attempt) is told apart from a double callback of the same browser.
struct BrowserBinding: Sendable, Equatable {
    static let cookieName = "wl_login"

    /// The cookie value: 32 random letters and digits.
    let value: String

    /// A fresh binding.
    static func random() -> BrowserBinding { BrowserBinding(value: OAuthState.random(length: 32).rawValue) }

    /// The binding the request's cookie carries, when it has a well-formed one.
    init?(request: Request) {
        guard let raw = request.cookies[Self.cookieName]?.string, OAuthState(rawValue: raw) != nil,
              raw.utf8.count == 32 else { return nil }
        self.value = raw
    }

    private init(value: String) { self.value = value }

    /// The stored form.
    var hash: String {
        Hex.lowercase(SHA256.hash(data: Data(value.utf8)))
    }

    /// The cookie that carries it: HttpOnly, SameSite=Lax (WeChat's redirect back is a top-level GET), Secure on https.
    func cookie(secure: Bool, lifetime: TimeInterval) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value, maxAge: Int(lifetime), path: "/", isSecure: secure, isHTTPOnly: true,
                          sameSite: .lax)
    }
}
