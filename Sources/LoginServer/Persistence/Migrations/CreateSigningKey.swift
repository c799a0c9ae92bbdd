import Fluent
import SQLKit

/// The `oidc_signing_keys` table: the OpenID Connect provider's signing keys, shared by every instance.
///
/// At most one current (unretired) key per algorithm, enforced by a partial unique index, so instances starting
/// at once on an empty database end with exactly one key each, whoever inserts first.
struct CreateSigningKey: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SigningKeyStore.table)
            .field("kid", .string, .identifier(auto: false))
            .field("algorithm", .string, .required)
            .field("private_key_sealed", .string, .required)
            .field("public_jwk", .string, .required)
            .field("created_at", .datetime, .required)
            .field("activated_at", .datetime, .required)
            .field("retired_at", .datetime)
            .create()
        try await database.sql().raw("""
            CREATE UNIQUE INDEX oidc_signing_keys_one_current ON oidc_signing_keys (algorithm) WHERE retired_at IS NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SigningKeyStore.table).delete()
    }
}
