import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit

/// The one way to `webhook_deliveries`: one row per (endpoint, event) wanted, written by ``fanOut(_:at:)`` in the
/// transaction that appends the events (so a delivery exists exactly when its event does), then claimed, attempted
/// and recorded by the workers of every instance.
///
/// Statuses: `pending` (due at `next_attempt_at`: new, or waiting for a retry), `sending` (claimed until
/// `claim_expires_at`), `delivered`, `dead` (every retry failed; the admin API replays it).
///
/// A claim is one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING` (SQLite: its single writer),
/// so no two workers hold the same delivery, and a claim whose worker died is taken over when its lease ends. A
/// delivery is claimable only while no earlier event of the same user to the same endpoint is `pending` or
/// `sending`: a user's events reach an endpoint in the log's order. Events without a user are unordered.
struct WebhookDeliveryStore: Sendable {
    static let table = "webhook_deliveries"
    let database: any Database

    enum Status: String, Sendable, CaseIterable {
        case pending, sending, delivered, dead
    }

    /// A delivery a worker holds.
    struct Claimed: Sendable, Equatable {
        var id: Int64
        var endpointID: UUID
        var eventID: Int64
        /// Attempts so far, this one included.
        var attempts: Int
    }

    /// What became of one attempt.
    enum Outcome: Sendable, Equatable {
        case delivered(status: Int)
        case retry(at: Date, status: Int?, error: String)
        case dead(status: Int?, error: String)
    }

    /// A delivery as the admin API shows it.
    struct Delivery: Sendable, Equatable {
        var id: Int64
        var endpointID: UUID
        var eventID: Int64
        var eventType: String?
        var userID: UUID?
        var status: String
        var attempts: Int
        var nextAttemptAt: Date?
        var lastStatus: Int?
        var lastError: String?
        var lastAttemptAt: Date?
        var deliveredAt: Date?
        var createdAt: Date
    }

    // MARK: Fan-out

    /// Queues the events with these ids for every enabled endpoint that wants their type, due at `now`. One
    /// statement, in the caller's transaction (`EventLog.append`); with no endpoints it inserts nothing.
    func fanOut(_ eventIDs: [Int64], at now: Date) async throws {
        guard !eventIDs.isEmpty else { return }
        try await database.sql().raw("""
            INSERT INTO webhook_deliveries (endpoint_id, event_id, user_id, status, attempts, next_attempt_at, created_at, updated_at)
            SELECT w.id, e.id, e.user_id, 'pending', 0, \(bind: now), \(bind: now), \(bind: now)
            FROM events e JOIN webhook_endpoints w
              ON w.enabled = \(bind: true) AND (w.event_types = '*' OR w.event_types LIKE '%,' || e.type || ',%')
            WHERE e.id IN (\(SQLList(eventIDs.map { SQLBind($0) })))
            """).run()
    }

    // MARK: Claiming

    /// Claims up to `limit` due deliveries of enabled endpoints for `worker` until `now + lease`: pending ones that
    /// fell due and sending ones whose lease ended, each only when it is the oldest undelivered event of its user
    /// for its endpoint.
    func claim(worker: String, limit: Int, lease: TimeInterval, now: Date) async throws -> [Claimed] {
        let sql = try database.sql()
        let due: SQLQueryString = """
            ((d.status = 'pending' AND d.next_attempt_at <= \(bind: now))
               OR (d.status = 'sending' AND d.claim_expires_at <= \(bind: now)))
            AND d.endpoint_id IN (SELECT w.id FROM webhook_endpoints w WHERE w.enabled = \(bind: true))
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                            WHERE p.endpoint_id = d.endpoint_id AND p.user_id = d.user_id AND p.event_id < d.event_id
                              AND p.status IN ('pending', 'sending'))
            """
        // A read first: an idle worker never takes SQLite's write lock (or PostgreSQL's row locks) to find nothing.
        guard try await !sql.raw("SELECT d.id FROM webhook_deliveries d WHERE \(due) LIMIT 1").all().isEmpty else {
            return []
        }
        let lock: SQLQueryString = database is any PostgresDatabase ? "FOR UPDATE SKIP LOCKED" : ""
        let rows = try await sql.raw("""
            UPDATE webhook_deliveries
            SET status = 'sending', claimed_by = \(bind: worker), claim_expires_at = \(bind: now.addingTimeInterval(lease)),
                attempts = attempts + 1, last_attempt_at = \(bind: now), updated_at = \(bind: now)
            WHERE id IN (SELECT d.id FROM webhook_deliveries d WHERE \(due) ORDER BY d.event_id LIMIT \(bind: limit) \(lock))
            RETURNING id, endpoint_id, event_id, attempts
            """).all()
        return try rows.map { row in
            Claimed(id: try row.decode(column: "id", as: Int64.self),
                    endpointID: try row.decode(column: "endpoint_id", as: UUID.self),
                    eventID: try row.decode(column: "event_id", as: Int64.self),
                    attempts: try row.decode(column: "attempts", as: Int.self))
        }.sorted { $0.eventID < $1.eventID }
    }

    // MARK: Recording

    /// Records an attempt's outcome if `worker` still holds the claim; false when the claim was lost (its lease
    /// ended and another worker took it over, whose result then stands).
    @discardableResult
    func record(_ outcome: Outcome, for id: Int64, worker: String, now: Date) async throws -> Bool {
        let set: SQLQueryString = switch outcome {
        case .delivered(let status):
            "status = 'delivered', last_status = \(bind: status), last_error = NULL, delivered_at = \(bind: now)"
        case .retry(let at, let status, let error):
            "status = 'pending', next_attempt_at = \(bind: at), last_status = \(bind: status), last_error = \(bind: error)"
        case .dead(let status, let error):
            "status = 'dead', last_status = \(bind: status), last_error = \(bind: error)"
        }
        let rows = try await database.sql().raw("""
            UPDATE webhook_deliveries
            SET \(set), claimed_by = NULL, claim_expires_at = NULL, updated_at = \(bind: now)
            WHERE id = \(bind: id) AND status = 'sending' AND claimed_by = \(bind: worker)
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    // MARK: The admin API

    /// An endpoint's deliveries, newest event first; `before` is the previous page's last delivery id.
    func list(endpointID: UUID, status: Status?, before: Int64?, limit: Int) async throws -> [Delivery] {
        var conditions: [SQLQueryString] = ["d.endpoint_id = \(bind: endpointID)"]
        if let status { conditions.append("d.status = \(bind: status.rawValue)") }
        if let before { conditions.append("d.id < \(bind: before)") }
        return try await database.sql().raw("""
            SELECT d.id, d.endpoint_id, d.event_id, e.type, d.user_id, d.status, d.attempts, d.next_attempt_at,
                   d.last_status, d.last_error, d.last_attempt_at, d.delivered_at, d.created_at
            FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY d.id DESC LIMIT \(literal: max(1, limit))
            """).all().map(Self.delivery)
    }

    func find(_ id: Int64, endpointID: UUID) async throws -> Delivery? {
        try await database.sql().raw("""
            SELECT d.id, d.endpoint_id, d.event_id, e.type, d.user_id, d.status, d.attempts, d.next_attempt_at,
                   d.last_status, d.last_error, d.last_attempt_at, d.delivered_at, d.created_at
            FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id
            WHERE d.id = \(bind: id) AND d.endpoint_id = \(bind: endpointID)
            """).first().map(Self.delivery)
    }

    /// Sends dead (or delivered) deliveries again: pending, due now, attempts counted afresh. `id` nil replays every
    /// dead delivery of the endpoint. Returns how many were queued again.
    func replay(endpointID: UUID, id: Int64?, now: Date) async throws -> Int {
        let which: SQLQueryString = if let id {
            "id = \(bind: id) AND status IN ('dead', 'delivered')"
        } else {
            "status = 'dead'"
        }
        return try await database.sql().raw("""
            UPDATE webhook_deliveries
            SET status = 'pending', attempts = 0, next_attempt_at = \(bind: now), delivered_at = NULL,
                updated_at = \(bind: now)
            WHERE endpoint_id = \(bind: endpointID) AND \(which)
            RETURNING id
            """).all().count
    }

    /// Deliveries of these statuses, per status, on the `(status, next_attempt_at)` index: the cost is the rows
    /// counted, not the table's size (the metrics' in-flight gauges).
    func counts(of statuses: [Status]) async throws -> [Status: Int] {
        guard !statuses.isEmpty else { return [:] }
        let rows = try await database.sql().raw("""
            SELECT status, COUNT(*) AS n FROM webhook_deliveries
            WHERE status IN (\(SQLList(statuses.map { SQLBind($0.rawValue) }))) GROUP BY status
            """).all()
        var counts: [Status: Int] = [:]
        for row in rows {
            if let status = Status(rawValue: try row.decode(column: "status", as: String.self)) {
                counts[status] = try row.decode(column: "n", as: Int.self)
            }
        }
        return counts
    }

    /// Deletes delivered and dead deliveries last changed before `cutoff` (the audit retention, like their events),
    /// `batch` rows per statement; returns how many. Pending ones stay whatever their age.
    static func sweep(settledBefore cutoff: Date, batch: Int = 1000, on database: any Database) async throws -> Int {
        var deleted = 0
        while true {
            let rows = try await database.sql().raw("""
                DELETE FROM webhook_deliveries WHERE id IN
                    (SELECT id FROM webhook_deliveries WHERE status IN ('delivered', 'dead') AND updated_at < \(bind: cutoff)
                     ORDER BY id LIMIT \(literal: batch))
                RETURNING id
                """).all()
            deleted += rows.count
            if rows.count < batch { return deleted }
        }
    }

    private static func delivery(_ row: any SQLRow) throws -> Delivery {
        let status = try row.decode(column: "status", as: String.self)
        return Delivery(
            id: try row.decode(column: "id", as: Int64.self),
            endpointID: try row.decode(column: "endpoint_id", as: UUID.self),
            eventID: try row.decode(column: "event_id", as: Int64.self),
            eventType: try row.decode(column: "type", as: String?.self),
            userID: try row.decode(column: "user_id", as: UUID?.self),
            status: status, attempts: try row.decode(column: "attempts", as: Int.self),
            nextAttemptAt: status == "pending" ? try row.decode(column: "next_attempt_at", as: Date.self) : nil,
            lastStatus: try row.decode(column: "last_status", as: Int?.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            lastAttemptAt: try row.decode(column: "last_attempt_at", as: Date?.self),
            deliveredAt: try row.decode(column: "delivered_at", as: Date?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self))
    }
}
