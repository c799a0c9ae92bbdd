import Crypto
import Foundation
import Vapor
import WeChatKit

/// A random value that ties a login `state` to the browser that started the login.
///
/// Only its SHA-256 is stored with the state, so a callback carrying a valid `state` from another browser (a
/// forwarded link, a login-CSRF attempt) is told apart from a double callback of the same browser. Every `/login`
/// mints a new one; the browser carries its recent ones in one signed cookie (`BrowserBindingCookie`).
struct BrowserBinding: Sendable, Equatable {
    /// 32 random letters and digits.
    let value: String

    /// A fresh binding.
    static func random() -> BrowserBinding { BrowserBinding(value: OAuthState.random(length: length).rawValue) }

    static let length = 32

    fileprivate init(value: String) { self.value = value }

    /// The stored form.
    var hash: String {
        Hex.lowercase(SHA256.hash(data: Data(value.utf8)))
    }
}

/// The HttpOnly cookie that carries a browser's recent bindings, newest first, signed by the server.
///
/// The server mints every binding itself: a value a client made up (or a cookie tossed in from a sibling domain)
/// fails the MAC and counts as no binding. A few recent bindings are kept, so a login started in a second tab does
/// not break the first; signing out deletes the cookie, so a completed callback in the history signs no one in.
struct BrowserBindingCookie: Sendable, Equatable {
    /// Cookie name without the `__Host-` prefix (`LoginServerConfiguration.cookieName` adds it on https).
    static let baseName = "wl_login"
    /// Bindings kept at most: the newest and three before it.
    static let capacity = 4

    /// Newest first.
    private(set) var bindings: [BrowserBinding]

    init(bindings: [BrowserBinding] = []) {
        self.bindings = Array(bindings.prefix(Self.capacity))
    }

    /// The bindings a request's cookie carries, when its MAC is right; otherwise none.
    init(request: Request, name: String, key: SymmetricKey) {
        self.init(cookieValue: request.cookies[name]?.string ?? "", key: key)
    }

    /// Parses `v1~v2~…!mac`; anything malformed or unsigned is no binding at all.
    init(cookieValue raw: String, key: SymmetricKey) {
        self.bindings = []
        guard raw.utf8.count <= Self.capacity * (BrowserBinding.length + 1) + 64 else { return }
        let parts = raw.split(separator: "!", omittingEmptySubsequences: false)
        guard parts.count == 2, let mac = Data(base64URL: String(parts[1])),
              HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(parts[0].utf8), using: key) else {
            return
        }
        let values = parts[0].split(separator: "~").map(String.init)
        guard values.count <= Self.capacity,
              values.allSatisfy({ $0.utf8.count == BrowserBinding.length && OAuthState(rawValue: $0) != nil }) else {
            return
        }
        self.bindings = values.map(BrowserBinding.init(value:))
    }

    /// The cookie with `binding` added in front (the oldest one drops out past ``capacity``).
    func adding(_ binding: BrowserBinding) -> BrowserBindingCookie {
        BrowserBindingCookie(bindings: [binding] + bindings.filter { $0 != binding })
    }

    /// The signed cookie value.
    func value(key: SymmetricKey) -> String {
        let joined = bindings.map(\.value).joined(separator: "~")
        let mac = HMAC<SHA256>.authenticationCode(for: Data(joined.utf8), using: key)
        return joined + "!" + Data(mac).base64URLEncoded()
    }

    /// The cookie: HttpOnly, SameSite=Lax (WeChat's redirect back is a top-level GET), Secure on https.
    func cookie(key: SymmetricKey, secure: Bool, lifetime: TimeInterval) -> HTTPCookies.Value {
        HTTPCookies.Value(string: value(key: key), maxAge: Int(lifetime), path: "/", isSecure: secure,
                          isHTTPOnly: true, sameSite: .lax)
    }

    /// The Set-Cookie that deletes it (sign-out).
    static func expired(secure: Bool) -> HTTPCookies.Value {
        HTTPCookies.Value(string: "", expires: Date(timeIntervalSince1970: 0), maxAge: 0, path: "/",
                          isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }
}

extension Data {
    /// Base64url without padding (RFC 4648 §5).
    func base64URLEncoded() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes base64url with or without padding; `nil` for anything else.
    init?(base64URL text: String) {
        guard text.utf8.allSatisfy({ $0 < 128 && $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
