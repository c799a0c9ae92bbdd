import Fluent
import Foundation

/// The one way to `dev_outbox`: sandbox mode's stand-in for an SMS or email gateway. Fluent: a development table.
struct OutboxStore: Sendable {
    let database: any Database

    /// Stores a message "sent" to `destination`.
    func add(_ message: OutboxMessage) async throws {
        try await message.create(on: database)
    }

    /// The latest messages, newest first, only those to `destination` when given.
    func recent(to destination: String? = nil, limit: Int = 50) async throws -> [OutboxMessage] {
        var query = OutboxMessage.query(on: database).sort(\.$createdAt, .descending).limit(limit)
        if let destination { query = query.filter(\.$destination == destination) }
        return try await query.all()
    }

    /// Deletes messages written before `cutoff`; returns how many.
    func sweep(writtenBefore cutoff: Date) async throws -> Int {
        let count = try await OutboxMessage.query(on: database).filter(\.$createdAt < cutoff).count()
        try await OutboxMessage.query(on: database).filter(\.$createdAt < cutoff).delete()
        return count
    }
}
