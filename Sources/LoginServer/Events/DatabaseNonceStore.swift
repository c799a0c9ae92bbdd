import Fluent
import SQLKit
import Foundation
import WeChatKit

/// The replay guard's memory of `(timestamp, nonce)` pairs, in the database so every instance shares it: the one way
/// to `push_nonces`.
///
/// Every insert goes through the application's batcher (a lone push is written at once, a burst by one multi-row
/// statement), in SQL text: it runs on every push.
struct DatabaseNonceStore: MessageNonceStore {
    let database: any Database
    let clock: any ServerClock
    /// How long a pair is remembered: longer than the timestamp window, after which a replay is stale anyway.
    var retention: TimeInterval = 600
    /// The application's batcher for this table; a store built without one (tests, one-off tools) gets its own.
    let inserts: StatementBatcher<Row, Bool>

    init(database: any Database, clock: any ServerClock, retention: TimeInterval = 600,
         batcher: StatementBatcher<Row, Bool>? = nil) {
        self.database = database
        self.clock = clock
        self.retention = retention
        self.inserts = batcher ?? Self.batcher(on: database)
    }

    /// One pair a push arrived with.
    struct Row: Sendable {
        var nonce: String
        var timestamp: Int64
        var seenAt: Date
    }

    /// The application-wide batcher that writes this table's inserts.
    static func batcher(on database: any Database) -> StatementBatcher<Row, Bool> {
        StatementBatcher(name: "push_nonces") { try await insert($0, on: database) }
    }

    func insertIfNew(nonce: String, timestamp: Int64) async throws -> Bool {
        let now = clock.now()
        guard try await inserts.submit(Row(nonce: nonce, timestamp: timestamp, seenAt: now)) else { return false }
        // Forget old pairs now and then rather than on every push (the retention sweep does it too, when no push
        // comes): one short batch on the `seen_at` index, whose cost is the rows it deletes, not the table's size.
        if Int.random(in: 0..<64) == 0 {
            _ = try await Self.sweepBatch(seenBefore: now.addingTimeInterval(-retention), batch: 1000, on: database)
        }
        return true
    }

    /// Deletes pairs seen before `cutoff`, `batch` rows per statement (on the `push_nonces_seen_at` index); returns
    /// how many.
    static func sweep(seenBefore cutoff: Date, batch: Int = 1000, on database: any Database) async throws -> Int {
        var deleted = 0
        while true {
            let count = try await sweepBatch(seenBefore: cutoff, batch: batch, on: database)
            deleted += count
            if count < batch { return deleted }
        }
    }

    private static func sweepBatch(seenBefore cutoff: Date, batch: Int, on database: any Database) async throws -> Int {
        try await database.sql().raw("""
            DELETE FROM push_nonces WHERE id IN
                (SELECT id FROM push_nonces WHERE seen_at < \(bind: cutoff) ORDER BY seen_at LIMIT \(literal: batch))
            RETURNING id
            """).all().count
    }

    /// `INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING RETURNING key`: true for the rows that went in. Of two
    /// items with the same key in one batch, only the first can be new.
    static func insert(_ items: [Row], on database: any Database) async throws -> [Bool] {
        let key = { (nonce: String, timestamp: Int64) in "\(timestamp):\(nonce)" }
        let rows = try await database.sql().raw("""
            INSERT INTO push_nonces (id, nonce, "timestamp", seen_at)
            VALUES \(SQLList(items.map { SQLQueryString("(\(bind: UUID.timeOrdered(at: $0.seenAt)), \(bind: $0.nonce), \(bind: $0.timestamp), \(bind: $0.seenAt))") }))
            ON CONFLICT ("timestamp", nonce) DO NOTHING
            RETURNING nonce, "timestamp"
            """).all()
        let inserted = Set(try rows.map { key(try $0.decode(column: "nonce", as: String.self),
                                               try $0.decode(column: "timestamp", as: Int64.self)) })
        return InboundEventStore.firstOccurrences(items.map { key($0.nonce, $0.timestamp) }, in: inserted)
    }
}
