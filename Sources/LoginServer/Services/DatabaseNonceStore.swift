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

    func insertIfNew(nonce: String, timestamp: Int64) async throws -> Bool {
        let now = clock.now()
        let sql = try database.sql()
        let inserted = try await sql.raw("""
            INSERT INTO push_nonces (id, nonce, "timestamp", seen_at)
            VALUES (\(bind: UUID()), \(bind: nonce), \(bind: timestamp), \(bind: now))
            ON CONFLICT ("timestamp", nonce) DO NOTHING
            RETURNING id
            """).all()
        guard !inserted.isEmpty else { return false }
        // Forget old pairs now and then rather than on every push.
        if Int.random(in: 0..<64) == 0 {
            try await PushNonce.query(on: database).filter(\.$seenAt < now.addingTimeInterval(-retention)).delete()
        }
        return true
    }
}
