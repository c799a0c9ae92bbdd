import Fluent
import Foundation
import SQLKit

/// The one way to `oidc_clients`: registered apps, their metadata, the hash of their secret, and revocation.
///
/// Every write is one statement, and the ones that must not race are conditional (`UPDATE … WHERE … RETURNING`):
/// a rotation replaces the one stored hash (two at once leave exactly one valid secret), an update cannot turn a
/// public client into a confidential one or back (the secret's presence is the condition), and nothing changes a
/// revoked client. Reads are SQL too: the token endpoint reads a client on every request.
struct OIDCClientStore: Sendable {
    static let table = "oidc_clients"
    static let columns: SQLQueryString = """
        client_id, client_name, redirect_uris, post_logout_redirect_uris, token_endpoint_auth_method, grant_types, \
        response_types, scope, id_token_signed_response_alg, secret_hash, created_at, updated_at, revoked_at
        """

    let database: any Database

    /// Inserts a new client; a client id already taken fails with the unique index's error (never in practice).
    func insert(_ client: OIDCClient) async throws {
        let metadata = client.metadata
        try await database.sql().raw("""
            INSERT INTO oidc_clients (id, client_id, client_name, redirect_uris, post_logout_redirect_uris,
                token_endpoint_auth_method, grant_types, response_types, scope, id_token_signed_response_alg, secret_hash,
                created_at, updated_at)
            VALUES (\(bind: UUID()), \(bind: client.clientID), \(bind: metadata.clientName),
                \(bind: Self.json(metadata.redirectURIs)), \(bind: Self.json(metadata.postLogoutRedirectURIs)),
                \(bind: metadata.authMethod.rawValue), \(bind: Self.json(metadata.grantTypes.map(\.rawValue))),
                \(bind: Self.json(metadata.responseTypes)), \(bind: metadata.scope),
                \(bind: metadata.idTokenAlgorithm.rawValue), \(bind: client.secretHash),
                \(bind: client.createdAt), \(bind: client.updatedAt))
            """).run()
    }

    /// The client with this id, revoked or not.
    func find(_ clientID: String) async throws -> OIDCClient? {
        try await database.sql().raw("SELECT \(Self.columns) FROM oidc_clients WHERE client_id = \(bind: clientID)")
            .first().map(Self.client)
    }

    /// Every client, oldest first.
    func all() async throws -> [OIDCClient] {
        try await database.sql().raw("SELECT \(Self.columns) FROM oidc_clients ORDER BY created_at, client_id")
            .all().map(Self.client)
    }

    /// Replaces the metadata of an active client of the same kind (public stays public, confidential stays
    /// confidential); nil when no such client matched.
    func update(_ clientID: String, to metadata: ClientMetadata, at now: Date) async throws -> OIDCClient? {
        let kind: SQLQueryString = metadata.isPublic ? "secret_hash IS NULL" : "secret_hash IS NOT NULL"
        return try await database.sql().raw("""
            UPDATE oidc_clients SET client_name = \(bind: metadata.clientName),
                redirect_uris = \(bind: Self.json(metadata.redirectURIs)),
                post_logout_redirect_uris = \(bind: Self.json(metadata.postLogoutRedirectURIs)),
                token_endpoint_auth_method = \(bind: metadata.authMethod.rawValue),
                grant_types = \(bind: Self.json(metadata.grantTypes.map(\.rawValue))),
                response_types = \(bind: Self.json(metadata.responseTypes)), scope = \(bind: metadata.scope),
                id_token_signed_response_alg = \(bind: metadata.idTokenAlgorithm.rawValue), updated_at = \(bind: now)
            WHERE client_id = \(bind: clientID) AND revoked_at IS NULL AND \(kind)
            RETURNING \(Self.columns)
            """).first().map(Self.client)
    }

    /// Replaces an active confidential client's secret hash; the old secret stops at once. False when no such
    /// client matched.
    func replaceSecret(of clientID: String, with hash: String, at now: Date) async throws -> Bool {
        try await database.sql().raw("""
            UPDATE oidc_clients SET secret_hash = \(bind: hash), updated_at = \(bind: now)
            WHERE client_id = \(bind: clientID) AND revoked_at IS NULL AND secret_hash IS NOT NULL
            RETURNING client_id
            """).first() != nil
    }

    /// Marks the client revoked unless it already is; false when this call did not (already revoked, or unknown).
    func revoke(_ clientID: String, at now: Date) async throws -> Bool {
        try await database.sql().raw("""
            UPDATE oidc_clients SET revoked_at = \(bind: now), updated_at = \(bind: now)
            WHERE client_id = \(bind: clientID) AND revoked_at IS NULL
            RETURNING client_id
            """).first() != nil
    }

    private static func json(_ list: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        // Encoding an array of strings cannot fail.
        return (try? encoder.encode(list)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    private static func list(_ row: any SQLRow, _ column: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(try row.decode(column: column, as: String.self).utf8))
    }

    private static func client(_ row: any SQLRow) throws -> OIDCClient {
        let method = try row.decode(column: "token_endpoint_auth_method", as: String.self)
        let grants = try list(row, "grant_types")
        let metadata = ClientMetadata(
            clientName: try row.decode(column: "client_name", as: String?.self),
            redirectURIs: try list(row, "redirect_uris"),
            postLogoutRedirectURIs: try list(row, "post_logout_redirect_uris"),
            authMethod: try ClientMetadata.AuthMethod(rawValue: method).orThrow(StoredClientUnreadable(column: "token_endpoint_auth_method")),
            grantTypes: try grants.map { try ClientMetadata.GrantType(rawValue: $0).orThrow(StoredClientUnreadable(column: "grant_types")) },
            scopes: try row.decode(column: "scope", as: String.self).split(separator: " ").map(String.init),
            idTokenAlgorithm: try SigningAlgorithm(rawValue: row.decode(column: "id_token_signed_response_alg", as: String.self))
                .orThrow(StoredClientUnreadable(column: "id_token_signed_response_alg")))
        return OIDCClient(
            clientID: try row.decode(column: "client_id", as: String.self), metadata: metadata,
            secretHash: try row.decode(column: "secret_hash", as: String?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            updatedAt: try row.decode(column: "updated_at", as: Date.self),
            revokedAt: try row.decode(column: "revoked_at", as: Date?.self))
    }

    /// A stored value this version does not know (a newer version wrote it, or the row was edited by hand).
    struct StoredClientUnreadable: Error, CustomStringConvertible {
        var column: String
        var description: String { "an oidc_clients row holds an unknown value in \(column)" }
    }
}

private extension Optional {
    func orThrow(_ error: some Error) throws -> Wrapped {
        guard let self else { throw error }
        return self
    }
}
