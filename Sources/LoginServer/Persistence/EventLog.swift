import Fluent
import Foundation
import SQLKit

/// The one way to `events`, the durable log of what changed: appended inside the transaction of each change (see
/// ``EventType`` for what is written when), read by the audit trail, and queued for webhook delivery as it is
/// appended (``WebhookDeliveryStore/fanOut(_:at:)``, same transaction), so no reader has to follow the log forwards.
///
/// `id` increases with every insert, so it orders the log (and a user's events among themselves). On SQLite the one
/// writer commits in `id` order; on PostgreSQL an id is taken at insert and two transactions can commit in the other
/// order, so a reader that follows the log forwards must not step past an id it has not seen committed yet.
struct EventLog: Sendable {
    static let table = "events"
    let database: any Database

    /// Appends `events` with one `INSERT`, and queues their webhook deliveries with one more
    /// (`WebhookDeliveryStore.fanOut`). Call it with the database of the transaction that makes the change the
    /// events report: they commit with it, or not at all. `now` is the change's time.
    func append(_ events: [Event], at now: Date) async throws {
        guard !events.isEmpty else { return }
        let values = try events.map { event in
            SQLQueryString("""
                (\(bind: now), \(bind: event.type.rawValue), \(bind: event.userID), \(bind: event.actor.kind.rawValue), \
                \(bind: event.actor.address), \(bind: event.payload.appID), \(bind: event.payload.clientID), \
                \(bind: try event.payload.json()))
                """)
        }
        let rows = try await database.sql().raw("""
            INSERT INTO events (occurred_at, type, user_id, actor_kind, actor_address, app_id, client_id, payload)
            VALUES \(SQLList(values))
            RETURNING id
            """).all()
        try await WebhookDeliveryStore(database: database)
            .fanOut(try rows.map { try $0.decode(column: "id", as: Int64.self) }, at: now)
    }

    func append(_ event: Event, at now: Date) async throws {
        try await append([event], at: now)
    }

    /// Which events to read: all filters are optional; `before` is the cursor (an id).
    struct Query: Sendable, Equatable {
        var userID: UUID?
        var type: String?
        /// Occurred at or after.
        var since: Date?
        /// Occurred before.
        var until: Date?
        /// Only events with a smaller id (the previous page's last).
        var before: Int64?
        var limit: Int = 100
    }

    /// Newest first: new events (larger ids) never shift a page that is being walked with `before`.
    func newestFirst(_ query: Query) async throws -> [StoredEvent] {
        var conditions: [SQLQueryString] = []
        if let userID = query.userID { conditions.append("user_id = \(bind: userID)") }
        if let type = query.type { conditions.append("type = \(bind: type)") }
        if let since = query.since { conditions.append("occurred_at >= \(bind: since)") }
        if let until = query.until { conditions.append("occurred_at < \(bind: until)") }
        if let before = query.before { conditions.append("id < \(bind: before)") }
        let filter: SQLQueryString = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try await database.sql().raw("""
            SELECT id, occurred_at, type, user_id, actor_kind, actor_address, app_id, client_id, payload FROM events\
            \(filter) ORDER BY id DESC LIMIT \(literal: max(1, query.limit))
            """).all()
        return try rows.map(Self.stored)
    }

    /// The events after `id`, oldest first (what a reader following the log reads next).
    func after(_ id: Int64, limit: Int) async throws -> [StoredEvent] {
        try await database.sql().raw("""
            SELECT id, occurred_at, type, user_id, actor_kind, actor_address, app_id, client_id, payload FROM events
            WHERE id > \(bind: id) ORDER BY id LIMIT \(literal: max(1, limit))
            """).all().map(Self.stored)
    }

    /// The events with these ids (a webhook worker's batch).
    func find(_ ids: [Int64]) async throws -> [Int64: StoredEvent] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.sql().raw("""
            SELECT id, occurred_at, type, user_id, actor_kind, actor_address, app_id, client_id, payload FROM events
            WHERE id IN (\(SQLList(ids.map { SQLBind($0) })))
            """).all()
        return Dictionary(try rows.map(Self.stored).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private static func stored(_ row: any SQLRow) throws -> StoredEvent {
        StoredEvent(
            id: try row.decode(column: "id", as: Int64.self),
            occurredAt: try row.decode(column: "occurred_at", as: Date.self),
            type: try row.decode(column: "type", as: String.self),
            userID: try row.decode(column: "user_id", as: UUID?.self),
            actorKind: try row.decode(column: "actor_kind", as: String.self),
            actorAddress: try row.decode(column: "actor_address", as: String?.self),
            appID: try row.decode(column: "app_id", as: String?.self),
            clientID: try row.decode(column: "client_id", as: String?.self),
            payload: try row.decode(column: "payload", as: String.self))
    }

    /// Deletes events that occurred before `cutoff`, `batch` rows per statement (so a large backlog never holds the
    /// write lock for long); returns how many.
    static func sweep(occurredBefore cutoff: Date, batch: Int = 1000, on database: any Database) async throws -> Int {
        var deleted = 0
        while true {
            let rows = try await database.sql().raw("""
                DELETE FROM events WHERE id IN
                    (SELECT id FROM events WHERE occurred_at < \(bind: cutoff) ORDER BY id LIMIT \(literal: batch))
                RETURNING id
                """).all()
            deleted += rows.count
            if rows.count < batch { return deleted }
        }
    }
}
