import Foundation

/// The claims of an ID token (OpenID Connect Core §2, §3.1.3.6).
struct IDTokenClaims: Codable, Sendable, Equatable {
    var iss: String
    /// The user's id here: stable, never reassigned, never a WeChat openid.
    var sub: String
    var aud: String
    var exp: Date
    var iat: Date
    var auth_time: Date
    var nonce: String?
    var azp: String
    var amr: [String]
    var at_hash: String
    /// The business's own id for the user, with scope `external_id` when the user has one.
    var external_id: String? = nil
}

/// The claims of an access token, a JWT per RFC 9068 (`typ: at+jwt`). `aud` is the userinfo endpoint, the one
/// resource it opens; `jti` is its row in `oidc_access_tokens`.
struct AccessTokenClaims: Codable, Sendable, Equatable {
    var iss: String
    var sub: String
    var aud: String
    var client_id: String
    var scope: String
    var exp: Date
    var iat: Date
    var jti: String
}
