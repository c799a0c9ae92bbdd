import Fluent
import SQLKit

/// The `wechat_identities` table: one row per (appid, openid), indexed by unionid for the cross-app join.
struct CreateWeChatIdentity: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WeChatIdentity.schema)
            .id()
            .field("app_id", .string, .required)
            .field("openid", .string, .required)
            .field("unionid", .string)
            .field("app_kind", .string, .required)
            .field("user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("nickname", .string)
            .field("avatar_url", .string)
            .field("scopes", .string, .required)
            .field("is_snapshot_user", .bool, .required)
            .field("access_token_sealed", .string)
            .field("access_token_expires_at", .datetime)
            .field("refresh_token_sealed", .string)
            .field("refresh_token_expires_at", .datetime)
            .field("needs_reauthorization", .bool, .required)
            .field("following", .bool)
            .field("last_login_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "app_id", "openid")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "wechat_identities_unionid").on(WeChatIdentity.schema).column("unionid").run()
            try await sql.create(index: "wechat_identities_user_id").on(WeChatIdentity.schema).column("user_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WeChatIdentity.schema).delete()
    }
}
