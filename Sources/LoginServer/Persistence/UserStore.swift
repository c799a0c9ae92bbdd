import Fluent
import Foundation
import SQLKit

/// The one way to `users`: the business's accounts, found by id or by phone or email. Fluent throughout: no hot path
/// writes a user (a login reads its user id from the identity upsert).
struct UserStore: Sendable {
    let database: any Database

    /// The user with this id.
    func find(_ id: UUID) async throws -> User? {
        try await User.find(id, on: database)
    }

    /// The user whose phone or email is `contact`.
    func find(_ contact: ContactAddress) async throws -> User? {
        switch contact {
        case .phone(let number): try await User.query(on: database).filter(\.$phone == number).first()
        case .email(let address): try await User.query(on: database).filter(\.$email == address).first()
        }
    }

    /// Whether a user with this id exists.
    func exists(_ id: UUID) async throws -> Bool {
        try await find(id) != nil
    }

    /// Which of `ids` are users: one lookup on the primary key.
    func existing(_ ids: [UUID]) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        return Set(try await database.sql().select().column("id").from(User.schema).where("id", .in, ids)
            .all(decodingColumn: "id", as: UUID.self))
    }

    /// Inserts `user`; a phone or email already taken fails with the unique index's constraint error.
    func create(_ user: User) async throws {
        try await user.create(on: database)
    }

    /// Sets the user's phone or email to `contact` (the other one stays); an address another user has fails with the
    /// unique index's constraint error. False when there is no such user.
    func setContact(_ contact: ContactAddress, ofUser id: UUID) async throws -> Bool {
        let column = if case .phone = contact { "phone" } else { "email" }
        return try await database.sql().update(User.schema).set(SQLIdentifier(column), to: SQLBind(contact.value))
            .where("id", .equal, id).returning("id").first() != nil
    }

    /// Locks the user's row until the transaction ends (PostgreSQL; SQLite's write transactions are `IMMEDIATE`);
    /// false when there is no such user.
    func lock(_ id: UUID) async throws -> Bool {
        try await database.sql().select().column("id").from(User.schema).where("id", .equal, id)
            .for(.update).first() != nil
    }

    /// One cheap read, for readiness: throws when the database does not answer.
    func ping() async throws {
        _ = try await User.query(on: database).limit(1).count()
    }
}
