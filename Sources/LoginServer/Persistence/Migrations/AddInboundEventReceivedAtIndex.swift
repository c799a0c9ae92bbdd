import Fluent
import SQLKit

/// An index on `inbound_events (received_at)`: the retention sweep deletes pushes older than 30 days
/// (`InboundEventStore.sweep`) without reading the whole table every ten minutes.
struct AddInboundEventReceivedAtIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql().create(index: "inbound_events_received_at").on(InboundEvent.schema)
            .column("received_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().drop(index: "inbound_events_received_at").ifExists().run()
    }
}
