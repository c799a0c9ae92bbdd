import Fluent
import Foundation

/// The provider's registered clients: registration, the admin API's changes, and the two questions the
/// authorization and token endpoints ask — "which active client is this?" and "is this really that client?".
///
/// Built once in `makeServices` (it holds only the clock); every call takes the request's database.
struct OIDCClients: Sendable {
    let clock: any ServerClock

    /// A newly registered client and its secret, which exists only in this answer (nil for a public client).
    struct Registered: Sendable {
        var client: OIDCClient
        var secret: String?
    }

    /// Registers a client with checked metadata: a new random id and, for a confidential client, a new secret
    /// of which only the hash is stored.
    func register(_ metadata: ClientMetadata, on database: any Database) async throws -> Registered {
        let now = clock.now()
        let secret = metadata.isPublic ? nil : ClientSecret.newSecret()
        let client = OIDCClient(clientID: ClientSecret.newClientID(), metadata: metadata,
                                secretHash: secret.map(ClientSecret.hash), createdAt: now, updatedAt: now)
        try await OIDCClientStore(database: database).insert(client)
        return Registered(client: client, secret: secret)
    }

    /// The client with this id, revoked or not (the admin API shows both).
    func find(_ clientID: String, on database: any Database) async throws -> OIDCClient? {
        try await OIDCClientStore(database: database).find(clientID)
    }

    /// The client with this id while it is active; nil for an unknown or revoked one. The authorization
    /// endpoint's first question: nil means an error page, never a redirect.
    func activeClient(_ clientID: String, on database: any Database) async throws -> OIDCClient? {
        guard let client = try await find(clientID, on: database), client.isActive else { return nil }
        return client
    }

    /// Authenticates a token request's client: active, registered for this method, and — unless public — with
    /// the secret whose hash is stored, compared in constant time. An unknown client costs the same hash and
    /// comparison as a known one.
    func authenticate(_ credentials: ClientCredentials, on database: any Database) async throws -> OIDCClient {
        let client = try await find(credentials.clientID, on: database)
        let stored = client?.secretHash ?? ClientSecret.hash("")
        switch credentials {
        case .basic(_, let secret), .post(_, let secret):
            let matches = ClientSecret.matches(secret, storedHash: stored)
            guard let client else { throw ClientAuthenticationError(.unknownClient) }
            guard client.isActive else { throw ClientAuthenticationError(.revoked) }
            guard client.metadata.authMethod == credentials.method else { throw ClientAuthenticationError(.wrongMethod) }
            guard matches else { throw ClientAuthenticationError(.wrongSecret) }
            return client
        case .none:
            guard let client else { throw ClientAuthenticationError(.unknownClient) }
            guard client.isActive else { throw ClientAuthenticationError(.revoked) }
            guard client.metadata.isPublic else { throw ClientAuthenticationError(.wrongMethod) }
            return client
        }
    }

    /// What an update or a rotation met instead of a client it could change.
    enum ChangeRefusal: Error, Equatable {
        case notFound
        case revoked
        /// An update that would turn a public client confidential or back (register a new client instead).
        case kindChange
        /// A rotation of a public client, which has no secret.
        case noSecret
    }

    /// Replaces an active client's metadata with checked metadata of the same kind.
    func update(_ clientID: String, to metadata: ClientMetadata, on database: any Database) async throws -> OIDCClient {
        let store = OIDCClientStore(database: database)
        if let updated = try await store.update(clientID, to: metadata, at: clock.now()) { return updated }
        guard let client = try await store.find(clientID) else { throw ChangeRefusal.notFound }
        guard client.isActive else { throw ChangeRefusal.revoked }
        throw ChangeRefusal.kindChange
    }

    /// Gives an active confidential client a new secret and returns it (shown once); the old one stops at once.
    func rotateSecret(of clientID: String, on database: any Database) async throws -> String {
        let store = OIDCClientStore(database: database)
        let secret = ClientSecret.newSecret()
        if try await store.replaceSecret(of: clientID, with: ClientSecret.hash(secret), at: clock.now()) { return secret }
        guard let client = try await store.find(clientID) else { throw ChangeRefusal.notFound }
        guard client.isActive else { throw ChangeRefusal.revoked }
        throw ChangeRefusal.noSecret
    }

    /// Revokes a client (idempotent): it stops working at every endpoint; its row stays. Throws `notFound` for
    /// an unknown id.
    func revoke(_ clientID: String, on database: any Database) async throws {
        let store = OIDCClientStore(database: database)
        if try await store.revoke(clientID, at: clock.now()) { return }
        guard try await store.find(clientID) != nil else { throw ChangeRefusal.notFound }
    }

    /// Every client, oldest first.
    func all(on database: any Database) async throws -> [OIDCClient] {
        try await OIDCClientStore(database: database).all()
    }
}
