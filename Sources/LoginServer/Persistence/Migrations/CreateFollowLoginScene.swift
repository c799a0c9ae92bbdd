import Fluent
import SQLKit

/// The `follow_login_scenes` table: one row per official-account QR code a PC page shows (follow-to-sign-in).
struct CreateFollowLoginScene: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(FollowLoginSceneStore.table)
            .field("scene", .string, .identifier(auto: false))
            .field("browser_binding_hash", .string, .required)
            .field("app_id", .string, .required)
            .field("ticket", .string, .required)
            .field("qr_url", .string, .required)
            .field("return_to", .string, .required)
            .field("status", .string, .required)
            .field("openid", .string)
            .field("identity_id", .uuid)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("scanned_at", .datetime)
            .field("used_at", .datetime)
            .create()
        try await database.sql().create(index: "follow_login_scenes_expires_at")
            .on(FollowLoginSceneStore.table).column("expires_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FollowLoginSceneStore.table).delete()
    }
}
