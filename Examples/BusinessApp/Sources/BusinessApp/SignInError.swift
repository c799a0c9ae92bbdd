import Vapor

/// Why a sign-in or sign-out did not happen. Each kind has the page people see (Chinese first, then English) and an
/// HTTP status; `reason` is for the log only and never holds a token or a secret.
struct SignInError: Error, CustomStringConvertible {
    enum Kind: Sendable {
        /// The person declined at the provider (`error=access_denied`).
        case denied
        /// The provider answered the authorization request with another error code.
        case providerRefused
        /// No sign-in of this browser is waiting for this answer (a forged, repeated or stale `state`).
        case state
        /// The authorization response names another issuer (RFC 9207: a mix-up attack) or none.
        case issuer
        /// The token endpoint refused the code or answered something unusable.
        case tokenEndpoint
        /// The ID token failed a check: signature, key, expiry, iss, aud, azp or nonce.
        case badToken
        /// The provider's keys could not be read.
        case keys
        /// Userinfo failed or described someone else.
        case userInfo
        /// A sign-out form without this session's token (another site's form).
        case signOutForm
    }

    let kind: Kind
    let reason: String

    init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    var description: String { reason }

    var status: HTTPResponseStatus {
        switch kind {
        case .denied: .forbidden
        case .providerRefused, .state, .issuer, .signOutForm: .badRequest
        case .tokenEndpoint, .badToken, .keys, .userInfo: .badGateway
        }
    }

    /// The page's title and message, in Chinese and English.
    var page: (title: Bilingual, message: Bilingual) {
        switch kind {
        case .denied:
            (Bilingual("未登录", "Not signed in"), Bilingual("你在微信登录页拒绝了授权。", "You declined the sign-in."))
        case .providerRefused:
            (Bilingual("登录失败", "Sign-in failed"), Bilingual("登录服务拒绝了本次登录请求，请重试。", "The sign-in service refused the request. Please try again."))
        case .state:
            (Bilingual("登录链接已失效", "This sign-in link is no longer valid"),
             Bilingual("这次登录不是从本浏览器发起的，或已经用过。请重新登录。", "This sign-in was not started in this browser, or was already used. Please sign in again."))
        case .issuer:
            (Bilingual("登录失败", "Sign-in failed"), Bilingual("登录回应不是来自我们信任的登录服务。", "The sign-in answer did not come from the sign-in service we trust."))
        case .tokenEndpoint, .badToken, .keys, .userInfo:
            (Bilingual("登录失败", "Sign-in failed"), Bilingual("无法确认你的身份，请重新登录。", "We could not confirm who you are. Please sign in again."))
        case .signOutForm:
            (Bilingual("无法退出", "Cannot sign out"), Bilingual("退出请求无效，请在本站页面上点击“退出登录”。", "Invalid sign-out request: use the Sign out button on this site."))
        }
    }
}
