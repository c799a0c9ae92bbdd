import Foundation

/// What a client registered (RFC 7591 §2), checked and with the defaults filled in: the one shape the store keeps,
/// registration answers and the admin API shows.
struct ClientMetadata: Sendable, Equatable {
    /// How a client proves itself at the token endpoint.
    enum AuthMethod: String, Sendable, CaseIterable {
        /// HTTP Basic with the form-urlencoded id and secret (RFC 6749 §2.3.1); RFC 7591's default.
        case clientSecretBasic = "client_secret_basic"
        /// `client_id` and `client_secret` in the token request's body.
        case clientSecretPost = "client_secret_post"
        /// A public client (a SPA or a native app): no secret, PKCE required.
        case none
    }

    /// The grants a client may use; the authorization code is always among them.
    enum GrantType: String, Sendable, CaseIterable {
        case authorizationCode = "authorization_code"
        case refreshToken = "refresh_token"
    }

    /// The scopes the provider knows. `wechat` is our own: the business's user id and the WeChat identities'
    /// appid, openid and unionid, which an app sees only when it registered and asked for it. `external_id` is ours
    /// too: the business's own id for the user (the `external_id` claim), kept apart from `profile` because it keys
    /// the business's database — an app registered with the default scopes never sees it.
    static let supportedScopes = ["openid", "profile", "email", "phone", "offline_access", "wechat", "external_id"]

    var clientName: String?
    /// Exact strings, compared byte for byte at the authorization endpoint (RFC 9700 §4.1).
    var redirectURIs: [String]
    var postLogoutRedirectURIs: [String]
    var authMethod: AuthMethod
    var grantTypes: [GrantType]
    /// Only `code`: the authorization-code flow is the only one served.
    var responseTypes: [String] { ["code"] }
    /// The scopes the client may ask for, in the order given.
    var scopes: [String]
    /// How the client's ID tokens are signed (`id_token_signed_response_alg`, Dynamic Client Registration §2):
    /// RS256 by default, ES256 on request. Access tokens stay RS256 whatever this says: only the provider reads them.
    var idTokenAlgorithm: SigningAlgorithm = .rs256

    /// A public client has no secret and must use PKCE.
    var isPublic: Bool { authMethod == .none }

    /// The `scope` string (space-separated, RFC 6749 §3.3).
    var scope: String { scopes.joined(separator: " ") }
}
