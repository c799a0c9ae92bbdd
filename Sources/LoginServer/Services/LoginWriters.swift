import Fluent
import Foundation
import SQLKit

/// The two inserts every login makes — its state at `/login`, its session at the callback — batched across
/// concurrent logins (`StatementBatcher`): under load, one multi-row `INSERT` serves many requests.
struct LoginWriters: Sendable {
    struct State: Sendable {
        var state: String
        var browserBindingHash: String
        var appID: String
        var flow: String
        var scope: String
        var returnTo: String
        var expiresAt: Date
        var createdAt: Date
    }

    let states: StatementBatcher<State, Bool>
    let sessions: StatementBatcher<LoginSessionStore.Row, Bool>

    init(database: any Database) {
        states = StatementBatcher(name: "login_states") { try await Self.insertStates($0, on: database) }
        sessions = LoginSessionStore.batcher(on: database)
    }

    static func insertStates(_ items: [State], on database: any Database) async throws -> [Bool] {
        let values = items.map { item in
            SQLQueryString("""
                (\(bind: item.state), \(bind: item.browserBindingHash), \(bind: item.appID), \(bind: item.flow),
                 \(bind: item.scope), \(bind: item.returnTo), \(bind: item.expiresAt), \(bind: item.createdAt))
                """)
        }
        try await database.sql().raw("""
            INSERT INTO oauth_states (state, browser_binding_hash, app_id, flow, scope, return_to, expires_at, created_at)
            VALUES \(SQLList(values))
            """).run()
        return items.map { _ in true }
    }
}
