import Fluent
import Foundation
import WeChatKit

/// The replay guard's memory of `(timestamp, nonce)` pairs, in the database so every instance shares it.
struct DatabaseNonceStore: MessageNonceStore {
    let database: any Database
    let clock: any ServerClock
    /// How long a pair is remembered: longer than the timestamp window, after which a replay is stale anyway.
    var retention: TimeInterval = 600

    func insertIfNew(nonce: String, timestamp: Int64) async throws -> Bool {
        let now = clock.now()
        do {
            try await PushNonce(nonce: nonce, timestamp: timestamp, seenAt: now).create(on: database)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return false
        }
        // Forget old pairs now and then rather than on every push.
        if Int.random(in: 0..<64) == 0 {
            try await PushNonce.query(on: database).filter(\.$seenAt < now.addingTimeInterval(-retention)).delete()
        }
        return true
    }
}
