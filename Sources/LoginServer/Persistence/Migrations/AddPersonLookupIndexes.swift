import Fluent
import SQLKit

/// Indexes that find one person's rows in the two histories a data export reads (`AccountExporter`):
/// `template_messages (user_id, created_at)` and `inbound_events (app_id, openid, received_at)`. Without them an
/// export would read every message and every push of the deployment.
struct AddPersonLookupIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.create(index: "template_messages_user_id").on(TemplateMessageRecord.schema)
            .column("user_id").column("created_at").run()
        try await sql.create(index: "inbound_events_openid").on(InboundEvent.schema)
            .column("app_id").column("openid").column("received_at").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.drop(index: "inbound_events_openid").ifExists().run()
        try await sql.drop(index: "template_messages_user_id").ifExists().run()
    }
}
