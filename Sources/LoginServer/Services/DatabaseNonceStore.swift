import Fluent
import SQLKit
import Foundation
import WeChatKit

/// The replay guard's memory of `(timestamp, nonce)` pairs, in the database so every instance shares it.
struct DatabaseNonceStore: MessageNonceStore {
    let database: any Database
    let clock: any ServerClock
    /// How long a pair is remembered: longer than the timestamp window, after which a replay is stale anyway.
    var retention: TimeInterval = 600
    /// Batches the insert with concurrent pushes' (the application's `PushWriters.nonces`); without it, one
    /// statement per call.
    var batcher: StatementBatcher<PushWriters.Nonce, Bool>?

    func insertIfNew(nonce: String, timestamp: Int64) async throws -> Bool {
        let now = clock.now()
        let item = PushWriters.Nonce(nonce: nonce, timestamp: timestamp, seenAt: now)
        let isNew = if let batcher {
            try await batcher.submit(item)
        } else {
            try await PushWriters.insertNonces([item], on: database)[0]
        }
        guard isNew else { return false }
        // Forget old pairs now and then rather than on every push.
        if Int.random(in: 0..<64) == 0 {
            try await PushNonce.query(on: database).filter(\.$seenAt < now.addingTimeInterval(-retention)).delete()
        }
        return true
    }
}
