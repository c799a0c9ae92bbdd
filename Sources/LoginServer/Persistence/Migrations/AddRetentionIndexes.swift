import Fluent
import SQLKit

/// What the retention sweep needs to stay cheap as the tables grow (issue 17): an index on the time each sweep
/// compares — `push_nonces (seen_at)`, `push_relays (claimed_at)`, `template_messages (finished_at)` and, for
/// messages sent whose report never came, `template_messages (sent_at)` — so a batch reads
/// the rows it deletes and no others; and `template_message_tallies`, each recipient's count of delivered messages
/// whose rows the sweep deleted (the account deletion reports the total).
struct AddRetentionIndexes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.create(index: "push_nonces_seen_at").on(PushNonce.schema).column("seen_at").run()
        try await sql.create(index: "push_relays_claimed_at").on(PushRelayStore.table).column("claimed_at").run()
        try await sql.create(index: "template_messages_finished_at").on(TemplateMessageRecord.schema)
            .column("finished_at").run()
        // Not `(status, sent_at)`: SQLite's planner then took it for the delivery reports' `status = 'sent'` lookup
        // instead of `(app_id, msg_id)`, reading every sent message per report (FlatCostTests checks both plans).
        try await sql.create(index: "template_messages_sent_at").on(TemplateMessageRecord.schema)
            .column("sent_at").run()
        try await database.schema(TemplateMessageQueue.talliesTable)
            .field("user_id", .uuid, .identifier(auto: false))
            .field("delivered", .int64, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        try await database.schema(TemplateMessageQueue.talliesTable).delete()
        for index in ["template_messages_sent_at", "template_messages_finished_at", "push_relays_claimed_at",
                      "push_nonces_seen_at"] {
            try await sql.drop(index: index).ifExists().run()
        }
    }
}
