import Fluent
import SQLKit

/// The `template_messages` table (the durable send queue), and a `msg_id` column on `inbound_events` so a
/// TEMPLATESENDJOBFINISH that arrives before its send is recorded can still be matched.
struct CreateTemplateMessage: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TemplateMessageRecord.schema)
            .id()
            .field("app_id", .string, .required)
            .field("user_id", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("openid", .string, .required)
            .field("template_id", .string, .required)
            .field("payload", .string, .required)
            .field("client_msg_id", .string, .required)
            .field("idempotency_key", .string)
            .field("batch_id", .uuid)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("claimed_by", .string)
            .field("claim_expires_at", .datetime)
            .field("msg_id", .int64)
            .field("errcode", .int)
            .field("reason", .string)
            .field("delivery_status", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("sent_at", .datetime)
            .field("finished_at", .datetime)
            .unique(on: "app_id", "idempotency_key", "openid")
            .create()
        try await database.schema(InboundEvent.schema)
            .field("msg_id", .int64)
            .update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "template_messages_due").on(TemplateMessageRecord.schema)
            .column("status").column("next_attempt_at").run()
        try await sql.create(index: "template_messages_msg_id").on(TemplateMessageRecord.schema)
            .column("app_id").column("msg_id").run()
        try await sql.create(index: "inbound_events_msg_id").on(InboundEvent.schema)
            .column("app_id").column("msg_id").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase {
            try await sql.drop(index: "inbound_events_msg_id").ifExists().run()
        }
        try await database.schema(InboundEvent.schema).deleteField("msg_id").update()
        try await database.schema(TemplateMessageRecord.schema).delete()
    }
}
