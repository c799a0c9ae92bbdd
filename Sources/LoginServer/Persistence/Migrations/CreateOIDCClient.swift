import Fluent

/// The `oidc_clients` table: apps registered with the OpenID Connect provider. Lists are JSON text (the same on
/// SQLite and PostgreSQL); the secret is only its hash.
struct CreateOIDCClient: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(OIDCClientStore.table)
            .id()
            .field("client_id", .string, .required)
            .field("client_name", .string)
            .field("redirect_uris", .string, .required)
            .field("post_logout_redirect_uris", .string, .required)
            .field("token_endpoint_auth_method", .string, .required)
            .field("grant_types", .string, .required)
            .field("response_types", .string, .required)
            .field("scope", .string, .required)
            .field("secret_hash", .string)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .unique(on: "client_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OIDCClientStore.table).delete()
    }
}
