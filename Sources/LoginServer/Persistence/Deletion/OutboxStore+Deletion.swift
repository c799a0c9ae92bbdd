import Fluent
import Foundation

extension OutboxStore {
    /// Deletes the sandbox outbox's messages to these addresses (codes and notices); returns how many.
    func deleteMessages(to destinations: [String]) async throws -> Int {
        guard !destinations.isEmpty else { return 0 }
        let query = OutboxMessage.query(on: database).filter(\.$destination ~~ destinations)
        let count = try await query.count()
        try await OutboxMessage.query(on: database).filter(\.$destination ~~ destinations).delete()
        return count
    }
}
