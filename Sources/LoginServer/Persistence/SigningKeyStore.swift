import Fluent
import Foundation
import SQLKit

/// The one way to `oidc_signing_keys`: the provider's signing keys, private halves sealed by the `TokenCipher`,
/// public halves in clear as JWK JSON.
///
/// A key is current from its creation (`activated_at`) until a rotation sets `retired_at`; the partial unique index
/// allows one current key per algorithm, and every insert is conditional on it (`ON CONFLICT DO NOTHING`), so
/// concurrent first starts or rotations never leave two.
struct SigningKeyStore: Sendable {
    static let table = "oidc_signing_keys"

    let database: any Database
    let cipher: TokenCipher

    /// A row, the private key still sealed.
    struct Row: Sendable {
        let kid: String
        let algorithm: SigningAlgorithm
        let publicJWK: PublicJWK
        let privateKeySealed: String
        let createdAt: Date
        let activatedAt: Date
        let retiredAt: Date?
    }

    /// Stores `key` as the current key of its algorithm unless there is one already. True when it was stored.
    func insertIfNoCurrent(_ key: SigningKey, now: Date) async throws -> Bool {
        try await insertIfNoCurrent(key, now: now, on: database)
    }

    /// Retires the current key of `key`'s algorithm and makes `key` current, in one write transaction. Returns the
    /// retired key's id, or `.concurrent` when another rotation committed first (its key is current; `key` is not
    /// stored).
    func rotate(to key: SigningKey, now: Date) async throws -> Rotation {
        try await database.writeTransaction { [self] connection in
            let retired = try await connection.sql().raw("""
                UPDATE oidc_signing_keys SET retired_at = \(bind: now)
                WHERE algorithm = \(bind: key.algorithm.rawValue) AND retired_at IS NULL RETURNING kid
                """).all().map { try $0.decode(column: "kid", as: String.self) }
            guard try await insertIfNoCurrent(key, now: now, on: connection) else { return .concurrent }
            return .rotated(retired: retired.first)
        }
    }

    /// What a rotation did.
    enum Rotation: Sendable, Equatable {
        /// The new key is current; the former one (if any) is retired.
        case rotated(retired: String?)
        /// Another rotation of the same algorithm committed meanwhile; nothing was written.
        case concurrent
    }

    /// The keys to publish at `now`: every current key and those retired less than `retiredPublishedFor` ago,
    /// newest first.
    func published(now: Date, retiredPublishedFor: TimeInterval) async throws -> [Row] {
        let cutoff = now.addingTimeInterval(-retiredPublishedFor)
        return try await database.sql().raw("""
            SELECT kid, algorithm, public_jwk, private_key_sealed, created_at, activated_at, retired_at
            FROM oidc_signing_keys WHERE retired_at IS NULL OR retired_at > \(bind: cutoff)
            ORDER BY created_at DESC, kid
            """).all().map(Self.row)
    }

    /// Every key, retired long ago or not (for the rotation command's report and tests).
    func all() async throws -> [Row] {
        try await database.sql().raw("""
            SELECT kid, algorithm, public_jwk, private_key_sealed, created_at, activated_at, retired_at
            FROM oidc_signing_keys ORDER BY created_at, kid
            """).all().map(Self.row)
    }

    /// Opens a row's private key; fails when no configured token key opens it or the result is not this row's key.
    func open(_ row: Row) throws -> SigningKey {
        let pem = try cipher.open(row.privateKeySealed, context: Self.context(row.kid))
        let key = try SigningKey(algorithm: row.algorithm, pem: pem)
        guard key.publicJWK == row.publicJWK else { throw JWSError.malformedKey }
        return key
    }

    private func insertIfNoCurrent(_ key: SigningKey, now: Date, on database: any Database) async throws -> Bool {
        let jwk = String(decoding: try JSONEncoder().encode(key.publicJWK), as: UTF8.self)
        let sealed = try cipher.seal(key.privatePEM, context: Self.context(key.kid))
        return !(try await database.sql().raw("""
            INSERT INTO oidc_signing_keys (kid, algorithm, private_key_sealed, public_jwk, created_at, activated_at)
            VALUES (\(bind: key.kid), \(bind: key.algorithm.rawValue), \(bind: sealed), \(bind: jwk), \(bind: now),
                    \(bind: now))
            ON CONFLICT DO NOTHING RETURNING kid
            """).all().isEmpty)
    }

    private static func row(_ row: any SQLRow) throws -> Row {
        let jwk = try JSONDecoder().decode(PublicJWK.self, from: Data(try row.decode(column: "public_jwk", as: String.self).utf8))
        guard let algorithm = SigningAlgorithm(rawValue: try row.decode(column: "algorithm", as: String.self)) else {
            throw JWSError.malformedKey
        }
        return Row(kid: try row.decode(column: "kid", as: String.self), algorithm: algorithm, publicJWK: jwk,
                   privateKeySealed: try row.decode(column: "private_key_sealed", as: String.self),
                   createdAt: try row.decode(column: "created_at", as: Date.self),
                   activatedAt: try row.decode(column: "activated_at", as: Date.self),
                   retiredAt: try row.decode(column: "retired_at", as: Date?.self))
    }

    /// The sealing context binds a sealed key to its row: copied into another row, it does not open.
    static func context(_ kid: String) -> String { "\(kid):oidc-signing-key" }

    /// Where the private keys are sealed, for ``TokenResealer``.
    static let sealedPrivateKeys = TokenResealer.Column(
        table: table, id: "kid", column: "private_key_sealed", contextColumns: ["kid"], context: { context($0[0]) })
}
