import Foundation
import Vapor

/// RFC 7591 §3.2.1's answer to a registration: the client id, the secret (confidential clients, this once), and
/// the metadata as registered, defaults filled in.
struct ClientRegistrationResponse: Content {
    var client_id: String
    var client_secret: String?
    var client_id_issued_at: Int
    /// 0: the secret does not expire (RFC 7591 §3.2.1); present only with a secret.
    var client_secret_expires_at: Int?
    var client_name: String?
    var redirect_uris: [String]
    var post_logout_redirect_uris: [String]
    var token_endpoint_auth_method: String
    var grant_types: [String]
    var response_types: [String]
    var scope: String
    var id_token_signed_response_alg: String

    init(_ registered: OIDCClients.Registered) {
        let client = registered.client
        let metadata = client.metadata
        client_id = client.clientID
        client_secret = registered.secret
        client_id_issued_at = Int(client.createdAt.timeIntervalSince1970)
        client_secret_expires_at = registered.secret == nil ? nil : 0
        client_name = metadata.clientName
        redirect_uris = metadata.redirectURIs
        post_logout_redirect_uris = metadata.postLogoutRedirectURIs
        token_endpoint_auth_method = metadata.authMethod.rawValue
        grant_types = metadata.grantTypes.map(\.rawValue)
        response_types = metadata.responseTypes
        scope = metadata.scope
        id_token_signed_response_alg = metadata.idTokenAlgorithm.rawValue
    }
}

/// A client as the admin API shows it: its metadata and state, never its secret or the secret's hash.
struct ClientView: Content {
    var client_id: String
    var client_name: String?
    var redirect_uris: [String]
    var post_logout_redirect_uris: [String]
    var token_endpoint_auth_method: String
    var grant_types: [String]
    var response_types: [String]
    var scope: String
    var id_token_signed_response_alg: String
    /// `active` or `revoked`.
    var status: String
    var created_at: String
    var updated_at: String
    var revoked_at: String?

    init(_ client: OIDCClient) {
        let metadata = client.metadata
        client_id = client.clientID
        client_name = metadata.clientName
        redirect_uris = metadata.redirectURIs
        post_logout_redirect_uris = metadata.postLogoutRedirectURIs
        token_endpoint_auth_method = metadata.authMethod.rawValue
        grant_types = metadata.grantTypes.map(\.rawValue)
        response_types = metadata.responseTypes
        scope = metadata.scope
        id_token_signed_response_alg = metadata.idTokenAlgorithm.rawValue
        status = client.isActive ? "active" : "revoked"
        created_at = client.createdAt.formatted(.iso8601)
        updated_at = client.updatedAt.formatted(.iso8601)
        revoked_at = client.revokedAt?.formatted(.iso8601)
    }
}

/// The admin API's list of clients.
struct ClientList: Content {
    var clients: [ClientView]
}

/// A rotated secret, shown once.
struct RotatedSecret: Content {
    var client_id: String
    var client_secret: String
    var client_secret_expires_at: Int
}

/// An OAuth error body (RFC 6749 §5.2, RFC 7591 §3.2.2): not the `/api/` shape, because OAuth libraries read it.
struct OAuthErrorBody: Content {
    var error: String
    var error_description: String?
}

extension Response {
    /// JSON with `Cache-Control: no-store`, for answers that carry secrets or that no cache should keep.
    static func noStore(_ body: some Content, status: HTTPResponseStatus, for request: Request) async throws -> Response {
        let response = try await body.encodeResponse(status: status, for: request)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        response.headers.replaceOrAdd(name: .pragma, value: "no-cache")
        return response
    }
}
