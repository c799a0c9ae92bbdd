import Fluent
import Foundation
import SQLKit

extension UserStore {
    /// What an update by our id sets; `nil` fields leave what is on file alone.
    struct Changes: Sendable, Equatable {
        var externalID: ExternalID?
        var phone: String?
        var email: String?
        var name: String?
    }

    /// Updates the user `id` — setting or changing their external id, phone, email or name — in one write
    /// transaction that locks the row (PostgreSQL; SQLite's write transactions are `IMMEDIATE`). `nil` when there is
    /// no such user; `.rejected` when the external id, phone or email is another user's. A concurrent write that
    /// takes one of them between the check and the update meets the unique index, and the update is checked again.
    func update(_ id: UUID, with changes: Changes, now: Date, retrying: Bool = false) async throws -> UserUpsert.Outcome? {
        do {
            return try await database.writeTransaction { tx in
                let sql = try tx.sql()
                guard let current = try await sql.select()
                    .columns("id", "external_id", "phone", "email", "display_name").from(User.schema)
                    .where("id", .equal, id).for(.update).first() else { return nil }
                let row = try UserUpsertPlan.Row(
                    id: id, externalID: current.decode(column: "external_id", as: String?.self),
                    phone: current.decode(column: "phone", as: String?.self),
                    email: current.decode(column: "email", as: String?.self),
                    displayName: current.decode(column: "display_name", as: String?.self), createdAt: nil)
                for (column, value) in [("external_id", changes.externalID?.value), ("phone", changes.phone),
                                        ("email", changes.email)] {
                    guard let value else { continue }
                    let taken = try await sql.select().column("id").from(User.schema)
                        .where(SQLIdentifier(column), .equal, value).where("id", .notEqual, id).first()
                    if taken != nil {
                        return .rejected(reason: "\(column == "external_id" ? "external id" : column) belongs to another user")
                    }
                }
                var next = row
                if let externalID = changes.externalID { next.externalID = externalID.value }
                if let phone = changes.phone { next.phone = phone }
                if let email = changes.email { next.email = email }
                if let name = changes.name { next.displayName = name }
                let unchanged = next == row && next.externalID.map { Array($0.utf8) } == row.externalID.map { Array($0.utf8) }
                guard !unchanged else { return .unchanged(id) }
                try await sql.raw("""
                    UPDATE users SET external_id = \(bind: next.externalID), phone = \(bind: next.phone),
                        email = \(bind: next.email), display_name = \(bind: next.displayName), updated_at = \(bind: now)
                    WHERE id = \(bind: id)
                    """).run()
                // The durable event log writes "user updated" here, in this transaction.
                return .updated(id)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure && !retrying {
            return try await update(id, with: changes, now: now, retrying: true)
        }
    }
}
