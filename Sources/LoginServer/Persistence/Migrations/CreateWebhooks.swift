import Fluent
import SQLKit

/// Webhook endpoints (`WebhookEndpointStore`) and their deliveries (`WebhookDeliveryStore`): one delivery row per
/// (endpoint, event) wanted, written in the event's transaction. Indexes serve the claim (due rows; the earlier
/// deliveries of the same user to the same endpoint) and the admin API (an endpoint's deliveries, newest first).
struct CreateWebhooks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WebhookEndpointStore.table)
            .id()
            .field("url", .string, .required)
            .field("event_types", .string, .required)
            .field("description", .string)
            .field("secret", .string, .required)
            .field("enabled", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(WebhookDeliveryStore.table)
            .field("id", .int64, .identifier(auto: true))
            .field("endpoint_id", .uuid, .required)
            .field("event_id", .int64, .required)
            .field("user_id", .uuid)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_by", .string)
            .field("claim_expires_at", .datetime)
            .field("last_status", .int)
            .field("last_error", .string)
            .field("last_attempt_at", .datetime)
            .field("delivered_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "endpoint_id", "event_id")
            .create()
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)").run()
        try await sql.raw("""
            CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, user_id, event_id)
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WebhookDeliveryStore.table).delete()
        try await database.schema(WebhookEndpointStore.table).delete()
    }
}
