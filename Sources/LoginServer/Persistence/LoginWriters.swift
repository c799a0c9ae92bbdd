import Fluent
import Foundation

/// The two inserts every login makes — its state at `/login`, its session at the callback — batched across
/// concurrent logins (`StatementBatcher`): under load, one multi-row `INSERT` serves many requests. Each batcher
/// belongs to its table's store.
struct LoginWriters: Sendable {
    let states: StatementBatcher<LoginStateStore.Row, Bool>
    let sessions: StatementBatcher<LoginSessionStore.Row, Bool>

    init(database: any Database) {
        states = LoginStateStore.batcher(on: database)
        sessions = LoginSessionStore.batcher(on: database)
    }
}
