import Fluent
import SQLKit

/// `oidc_clients.id_token_signed_response_alg`: the algorithm a client's ID tokens are signed with. Clients
/// registered before it keep what they always got, RS256 (the column's default fills their rows), so no app that
/// verifies our ID tokens sees a change it did not ask for.
struct AddIDTokenSignedResponseAlg: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql().raw("""
            ALTER TABLE oidc_clients ADD COLUMN id_token_signed_response_alg TEXT NOT NULL DEFAULT 'RS256'
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("ALTER TABLE oidc_clients DROP COLUMN id_token_signed_response_alg").run()
    }
}
