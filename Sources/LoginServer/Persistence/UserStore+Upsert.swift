import Fluent
import Foundation
import SQLKit

extension UserStore {
    /// The most items one ``upsert(_:now:by:via:)`` takes: one transaction, a few statements, well under either
    /// database's limit on bound values.
    static let maximumUpsertBatch = 1000

    /// The user with this external id.
    func find(externalID: ExternalID) async throws -> User? {
        try await User.query(on: database).filter(\.$externalID == externalID.value).first()
    }

    /// The users the business knows by `externalIDs`, by external id: one lookup on its unique index.
    func ids(forExternalIDs externalIDs: [ExternalID]) async throws -> [ExternalID: UUID] {
        guard !externalIDs.isEmpty else { return [:] }
        let rows = try await database.sql().select().column("id").column("external_id").from(User.schema)
            .where("external_id", .in, externalIDs.map(\.value)).all()
        var found: [ExternalID: UUID] = [:]
        for row in rows {
            guard let externalID = try? ExternalID(validating: try row.decode(column: "external_id", as: String.self))
            else { continue }
            found[externalID] = try row.decode(column: "id", as: UUID.self)
        }
        return found
    }

    /// Creates or updates users by external id — the one SQL path for the admin API's upserts and the import.
    ///
    /// One write transaction for the whole batch, whatever its size, in at most a handful of statements: one
    /// `SELECT … FOR UPDATE` (PostgreSQL; SQLite's write transactions are `IMMEDIATE`) of every user the items name
    /// by external id, phone or email; ``UserUpsertPlan`` decides each item in memory; one multi-row upsert on the
    /// primary key writes the changed rows and one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING id` the new
    /// ones. Items the plan refuses are left out and reported; the others are written together or not at all.
    ///
    /// Uniqueness is the database's: when a concurrent transaction inserts the same external id, phone or email
    /// between the read and the write, the insert skips the row (or the update meets the unique index), the
    /// transaction is rolled back and the batch planned again against what the other one committed — so the same
    /// request twice, at once, on any number of instances, is one user.
    ///
    /// Each user it creates gets a `user.created` event in the same transaction, with `actor` and `via` (`admin`
    /// for the admin API, `import` for the import command): an event exists exactly when its user was committed.
    func upsert(_ items: [UserUpsert], now: Date, by actor: EventActor = EventActor(kind: .admin, address: nil),
                via: String = "admin") async throws -> [UserUpsert.Outcome] {
        precondition(items.count <= Self.maximumUpsertBatch, "split batches before calling upsert")
        guard !items.isEmpty else { return [] }
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await database.writeTransaction { tx in
                    let store = UserStore(database: tx)
                    let plan = UserUpsertPlan(items, existing: try await store.rowsForUpsert(items))
                    try await store.write(updates: plan.updates, now: now)
                    // In external-id order, as the rows were locked in id order: two batches that meet wait for
                    // each other in one direction only, never in a cycle (PostgreSQL would abort one as a deadlock).
                    try await store.insert(plan.inserts.sorted {
                        Array(($0.externalID ?? "").utf8).lexicographicallyPrecedes(Array(($1.externalID ?? "").utf8))
                    }, now: now)
                    let created = plan.outcomes.compactMap { outcome -> Event? in
                        guard case .created(let id) = outcome else { return nil }
                        return Event(.userCreated, userID: id, actor: actor, payload: EventPayload(via: via))
                    }
                    try await EventLog(database: tx).append(created, at: now)
                    return plan.outcomes
                }
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < Self.maximumUpsertAttempts {
                continue
            } catch is UpsertRaced where attempt < Self.maximumUpsertAttempts {
                continue
            }
        }
    }

    /// How often a batch is planned again after losing a race; each loss means another transaction committed rows
    /// this one then finds, so the count only matters when many batches name the same new users at once.
    static let maximumUpsertAttempts = 8

    /// A concurrent transaction inserted a row this batch meant to insert; the batch is planned again.
    private struct UpsertRaced: Error {}

    /// Items per `SELECT` (three bound values each) and rows per multi-row `INSERT` (seven each): a full batch is one
    /// statement of each, far below SQLite's 32,766 and PostgreSQL's 65,535 bound values.
    private static let selectChunk = 1000
    private static let writeChunk = 1000

    private static let upsertColumns = ["id", "external_id", "phone", "email", "display_name", "created_at", "updated_at"]

    /// Every user an item names by external id, phone or email, locked until the transaction ends (PostgreSQL).
    private func rowsForUpsert(_ items: [UserUpsert]) async throws -> [UserUpsertPlan.Row] {
        let sql = try database.sql()
        var rows: [UUID: UserUpsertPlan.Row] = [:]
        for chunk in items.chunks(of: Self.selectChunk) {
            let externalIDs = chunk.map(\.externalID.value)
            let phones = chunk.compactMap(\.phone)
            let emails = chunk.compactMap(\.email)
            var query = sql.select().columns("id", "external_id", "phone", "email", "display_name", "created_at")
                .from(User.schema)
                .where(SQLIdentifier("external_id"), .in, SQLBind.group(externalIDs))
            if !phones.isEmpty { query = query.orWhere(SQLIdentifier("phone"), .in, SQLBind.group(phones)) }
            if !emails.isEmpty { query = query.orWhere(SQLIdentifier("email"), .in, SQLBind.group(emails)) }
            for row in try await query.orderBy("id").for(.update).all() {
                let id = try row.decode(column: "id", as: UUID.self)
                rows[id] = UserUpsertPlan.Row(
                    id: id, externalID: try row.decode(column: "external_id", as: String?.self),
                    phone: try row.decode(column: "phone", as: String?.self),
                    email: try row.decode(column: "email", as: String?.self),
                    displayName: try row.decode(column: "display_name", as: String?.self),
                    createdAt: try row.decode(column: "created_at", as: Date?.self))
            }
        }
        return Array(rows.values)
    }

    private static func values(_ rows: ArraySlice<UserUpsertPlan.Row>, now: Date) -> SQLQueryString {
        rows.map { row -> SQLQueryString in
            let values: [any Encodable & Sendable] = [row.id, row.externalID, row.phone, row.email, row.displayName,
                                                      row.createdAt ?? now, now]
            return "(\(binds: values))"
        }.joined(separator: ", ")
    }

    /// Changed rows as one upsert on the primary key: a multi-row update in a form SQLite and PostgreSQL share
    /// (`UPDATE … FROM (VALUES …)` differs between them). Every row exists and is locked, so each one updates.
    private func write(updates: [UserUpsertPlan.Row], now: Date) async throws {
        let sql = try database.sql()
        for chunk in updates.chunks(of: Self.writeChunk) {
            try await sql.raw("""
                INSERT INTO users (\(idents: Self.upsertColumns, joinedBy: ", "))
                VALUES \(Self.values(chunk, now: now))
                ON CONFLICT (id) DO UPDATE SET external_id = excluded.external_id, phone = excluded.phone,
                    email = excluded.email, display_name = excluded.display_name, updated_at = excluded.updated_at
                """).run()
        }
    }

    /// New rows; one that meets a unique index (a concurrent transaction's insert) is skipped and the batch retried.
    private func insert(_ rows: [UserUpsertPlan.Row], now: Date) async throws {
        let sql = try database.sql()
        for chunk in rows.chunks(of: Self.writeChunk) {
            let inserted = try await sql.raw("""
                INSERT INTO users (\(idents: Self.upsertColumns, joinedBy: ", "))
                VALUES \(Self.values(chunk, now: now))
                ON CONFLICT DO NOTHING RETURNING id
                """).all()
            guard inserted.count == chunk.count else { throw UpsertRaced() }
        }
    }
}
