/// Why a client was not authenticated at the token endpoint. The token endpoint answers `oauthError` (RFC 6749
/// §5.2): `invalid_client` (401 with `WWW-Authenticate`) for every failure of who the client is, so a caller learns
/// nothing about which client ids exist; `invalid_request` (400) for a request that is malformed.
struct ClientAuthenticationError: Error, Equatable, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        /// No `Authorization` header and no `client_id`.
        case missing
        /// A header that is not Basic of base64 `id:secret`, or a body `client_id` that differs from it.
        case malformed
        /// Basic and a body secret at once (RFC 6749 §2.3 allows one method per request).
        case severalMethods
        /// No client with this id.
        case unknownClient
        /// The client was revoked.
        case revoked
        /// The client registered another `token_endpoint_auth_method`.
        case wrongMethod
        /// The secret does not match.
        case wrongSecret
    }

    var kind: Kind

    init(_ kind: Kind) { self.kind = kind }

    /// The RFC 6749 §5.2 error code.
    var oauthError: String {
        switch kind {
        case .malformed, .severalMethods: "invalid_request"
        case .missing, .unknownClient, .revoked, .wrongMethod, .wrongSecret: "invalid_client"
        }
    }

    /// What the client's developer is told: the same for every `invalid_client`, so an unknown id, a revoked
    /// client and a wrong secret cannot be told apart from outside. The log says which (`description`).
    var publicDescription: String {
        switch kind {
        case .malformed: "The Authorization header must be Basic with the form-urlencoded client_id and secret."
        case .severalMethods: "Use one client authentication method per request."
        case .missing, .unknownClient, .revoked, .wrongMethod, .wrongSecret: "Client authentication failed."
        }
    }

    var description: String { "client authentication failed: \(kind)" }
}
