import Fluent
import Foundation
import SQLKit

/// The one way to `push_relays`: which pushes were passed on to the business's handler and how it answered.
///
/// The unique key is the push's (`inbound_events.dedup_key`): the first arrival claims it with a conditional
/// insert, so whichever instance a repeat reaches, the push is forwarded once, and the repeat reads the answer here.
struct PushRelayStore: Sendable {
    static let table = "push_relays"
    let database: any Database

    /// Where a relayed push stands.
    enum State: String, Sendable {
        /// Forwarded; the handler has not answered yet (or the instance died while it waited).
        case relaying
        /// The handler answered with a passive reply (in `reply`, plaintext XML).
        case replied
        /// The handler answered `success` or nothing.
        case acknowledged
        /// The handler was too slow, unreachable, or answered something WeChat would not accept: WeChat got `success`.
        case failed
    }

    /// A push's row.
    struct Record: Sendable, Hashable {
        var state: State
        /// The handler's reply as plaintext XML, when `state` is `replied`.
        var reply: String?
    }

    /// Claims the push for forwarding: true for the one caller that inserted its row.
    func claim(key: String, at now: Date) async throws -> Bool {
        try await database.sql().raw("""
            INSERT INTO \(ident: Self.table) (id, dedup_key, state, claimed_at)
            VALUES (\(bind: UUID.timeOrdered(at: now)), \(bind: key), \(bind: State.relaying.rawValue), \(bind: now))
            ON CONFLICT (dedup_key) DO NOTHING
            RETURNING dedup_key
            """).all().count == 1
    }

    /// Records the handler's answer, once: only a row still `relaying` changes.
    func finish(key: String, state: State, reply: String?, at now: Date) async throws {
        try await database.sql().raw("""
            UPDATE \(ident: Self.table) SET state = \(bind: state.rawValue), reply = \(bind: reply), finished_at = \(bind: now)
            WHERE dedup_key = \(bind: key) AND state = \(bind: State.relaying.rawValue)
            """).run()
    }

    /// The push's row, if it was relayed.
    func find(key: String) async throws -> Record? {
        guard let row = try await database.sql().raw("""
            SELECT state, reply FROM \(ident: Self.table) WHERE dedup_key = \(bind: key)
            """).first() else { return nil }
        let state = State(rawValue: try row.decode(column: "state", as: String.self)) ?? .failed
        return Record(state: state, reply: try row.decode(column: "reply", as: String?.self))
    }

    /// Removes rows claimed before `cutoff`, `batch` rows per statement on the `push_relays_claimed_at` index:
    /// WeChat's retries come within about 20 seconds, and a reply names a person.
    static func sweep(claimedBefore cutoff: Date, batch: Int = 1000, on database: any Database) async throws -> Int {
        var deleted = 0
        while true {
            let count = try await database.sql().raw("""
                DELETE FROM \(ident: table) WHERE id IN
                    (SELECT id FROM \(ident: table) WHERE claimed_at < \(bind: cutoff) ORDER BY claimed_at LIMIT \(literal: batch))
                RETURNING id
                """).all().count
            deleted += count
            if count < batch { return deleted }
        }
    }
}
