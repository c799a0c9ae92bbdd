import Foundation

/// A registered client (a business's app) as the store reads it: its metadata, the hash of its secret, and
/// whether it still works.
struct OIDCClient: Sendable, Equatable {
    var clientID: String
    var metadata: ClientMetadata
    /// SHA-256 of the secret (hex); nil for a public client.
    var secretHash: String?
    var createdAt: Date
    var updatedAt: Date
    /// Set once an admin revoked the client: it stops working everywhere, and the row stays.
    var revokedAt: Date?

    var isActive: Bool { revokedAt == nil }

    /// Whether `uri` is one of the registered redirect URIs, by exact string match (RFC 9700 §4.1): no
    /// normalisation, no prefix, no pattern.
    func allowsRedirect(to uri: String) -> Bool {
        metadata.redirectURIs.contains { $0.utf8.elementsEqual(uri.utf8) }
    }

    /// Whether `uri` is one of the registered post-logout redirect URIs, by exact string match.
    func allowsPostLogoutRedirect(to uri: String) -> Bool {
        metadata.postLogoutRedirectURIs.contains { $0.utf8.elementsEqual(uri.utf8) }
    }

    /// Whether the client registered `grant`.
    func allows(_ grant: ClientMetadata.GrantType) -> Bool { metadata.grantTypes.contains(grant) }
}
