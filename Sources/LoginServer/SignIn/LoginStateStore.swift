import Fluent
import Foundation
import SQLKit
import WeChatKit

/// The one way to `oauth_states`: creates, claims, completes, releases and sweeps login `state` rows, and the only
/// place (with the `OAuthStateRecord` model and its migration) that names their columns.
///
/// A callback first *claims* its state with one conditional UPDATE, so of two concurrent callbacks for the same
/// state (WeChat's double callback) exactly one exchanges a code; the other waits for its result. A claim older
/// than `staleClaimAfter` is treated as abandoned (the process that held it died). Every statement is SQL text:
/// each runs on every login, where Fluent's model reflection was a large share of the CPU.
struct LoginStateStore: Sendable {
    let database: any Database
    let clock: any ServerClock
    let staleClaimAfter: TimeInterval
    /// The application's batcher for this table's inserts; a store built without one (tests) gets its own. Every
    /// insert goes through it: a lone login is written at once.
    let inserts: StatementBatcher<Row, Bool>

    init(database: any Database, clock: any ServerClock, staleClaimAfter: TimeInterval = 30,
         batcher: StatementBatcher<Row, Bool>? = nil) {
        self.database = database
        self.clock = clock
        self.staleClaimAfter = staleClaimAfter
        self.inserts = batcher ?? Self.batcher(on: database)
    }

    /// What a callback found when it tried to claim its state.
    enum Claim {
        /// This callback holds the claim and must exchange the code, then `complete` or `release`.
        case claimed(OAuthStateRecord, token: String)
        /// An earlier callback already completed this state.
        case completed(OAuthStateRecord)
        /// Another callback holds the claim right now.
        case busy(OAuthStateRecord)
        /// No such state: forged, or removed.
        case unknown
        /// The state exists but was started by another browser.
        case otherBrowser
        /// The state is past its lifetime.
        case expired(OAuthStateRecord)
    }

    /// One new state row.
    struct Row: Sendable {
        var state: String
        var browserBindingHash: String
        var appID: String
        var flow: String
        var scope: String
        var returnTo: String
        var expiresAt: Date
        var createdAt: Date
    }

    /// The application-wide batcher that writes this table's inserts (concurrent logins share one `INSERT`).
    static func batcher(on database: any Database) -> StatementBatcher<Row, Bool> {
        StatementBatcher(name: "login_states") { try await insert($0, on: database) }
    }

    private static func insert(_ items: [Row], on database: any Database) async throws -> [Bool] {
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

    /// Stores a new state for a login that is about to leave for WeChat.
    func create(state: OAuthState, binding: BrowserBinding, appID: String, flow: LoginFlow, scope: OAuthScope,
                returnTo: ReturnTo, lifetime: TimeInterval) async throws {
        let now = clock.now()
        _ = try await inserts.submit(Row(
            state: state.rawValue, browserBindingHash: binding.hash, appID: appID, flow: flow.rawValue,
            scope: scope.rawValue, returnTo: returnTo.path, expiresAt: now.addingTimeInterval(lifetime),
            createdAt: now))
    }

    /// Looks the state up and, when it is fresh, unclaimed and started by one of `bindings` (the ones this
    /// browser's cookie carries), claims it for this callback.
    ///
    /// The usual case is one conditional `UPDATE … RETURNING`; only when it claims nothing does the state get read
    /// to say why.
    func claim(state: String, bindings: [BrowserBinding]) async throws -> Claim {
        if !bindings.isEmpty, let record = try await conditionalClaim(state: state, bindings: bindings) {
            return .claimed(record, token: record.claimToken ?? "")
        }
        guard let record = try await read(state) else { return .unknown }
        // Every binding is compared (no early exit), in constant time.
        var matches = false
        for binding in bindings where ConstantTime.equals(binding.hash, record.browserBindingHash) { matches = true }
        guard matches else { return .otherBrowser }
        if record.completedAt != nil { return .completed(record) }
        if clock.now() >= record.expiresAt { return .expired(record) }
        // Released between the two statements (a failed exchange gave it back): try once more.
        if let claimed = try await conditionalClaim(state: state, bindings: bindings) {
            return .claimed(claimed, token: claimed.claimToken ?? "")
        }
        guard let fresh = try await read(state) else { return .unknown }
        return fresh.completedAt != nil ? .completed(fresh) : .busy(fresh)
    }

    /// The one conditional `UPDATE … RETURNING` that claims a fresh, unclaimed (or stale) state of this browser.
    private func conditionalClaim(state: String, bindings: [BrowserBinding]) async throws -> OAuthStateRecord? {
        let now = clock.now()
        let token = UUID().uuidString
        let rows = try await database.sql().raw("""
            UPDATE oauth_states SET claim_token = \(bind: token), claimed_at = \(bind: now)
            WHERE state = \(bind: state) AND browser_binding_hash IN (\(binds: bindings.map(\.hash)))
              AND completed_at IS NULL AND expires_at > \(bind: now)
              AND (claim_token IS NULL OR claimed_at < \(bind: now.addingTimeInterval(-staleClaimAfter)))
            RETURNING \(unsafeRaw: Self.columns)
            """).all()
        return try rows.first.map(Self.record)
    }

    /// Marks the claimed state completed with the identity its callback resolved to (a no-op when the claim was
    /// lost to another callback meanwhile).
    func complete(_ record: OAuthStateRecord, token: String, identityID: UUID) async throws {
        try await database.sql().raw("""
            UPDATE oauth_states SET completed_at = \(bind: clock.now()), identity_id = \(bind: identityID)
            WHERE state = \(bind: try record.requireID()) AND claim_token = \(bind: token)
            """).run()
    }

    /// Gives the claim back after a failed exchange, so a second callback (with its own code) may try.
    func release(_ record: OAuthStateRecord, token: String) async throws {
        try await database.sql().raw("""
            UPDATE oauth_states SET claim_token = NULL, claimed_at = NULL
            WHERE state = \(bind: try record.requireID()) AND claim_token = \(bind: token)
            """).run()
    }

    /// Waits (bounded) for another callback's claim on the same state to complete; `nil` when it did not.
    func awaitCompletion(of state: String, attempts: Int = 50, interval: Duration = .milliseconds(100))
        async throws -> OAuthStateRecord? {
        for _ in 0..<attempts {
            try await Task.sleep(for: interval)
            guard let record = try await read(state) else { return nil }
            if record.completedAt != nil { return record }
            if record.claimToken == nil { return nil }
        }
        return nil
    }

    /// Deletes states that expired before `cutoff`; returns how many.
    static func sweep(expiredBefore cutoff: Date, on database: any Database) async throws -> Int {
        let rows = try await database.sql().raw("""
            DELETE FROM oauth_states WHERE expires_at < \(bind: cutoff) RETURNING state
            """).all()
        return rows.count
    }

    private func read(_ state: String) async throws -> OAuthStateRecord? {
        let row = try await database.sql().raw("""
            SELECT \(unsafeRaw: Self.columns) FROM oauth_states WHERE state = \(bind: state)
            """).first()
        return try row.map(Self.record)
    }

    private static let columns = """
        state, browser_binding_hash, app_id, flow, scope, return_to, expires_at, claim_token, claimed_at, \
        completed_at, identity_id, created_at
        """

    /// Decoded column by column: Fluent's model decoding reflects over the model on every row.
    private static func record(_ row: any SQLRow) throws -> OAuthStateRecord {
        let record = OAuthStateRecord(
            state: try row.decode(column: "state", as: String.self),
            browserBindingHash: try row.decode(column: "browser_binding_hash", as: String.self),
            appID: try row.decode(column: "app_id", as: String.self),
            flow: try row.decode(column: "flow", as: String.self),
            scope: try row.decode(column: "scope", as: String.self),
            returnTo: try row.decode(column: "return_to", as: String.self),
            expiresAt: try row.decode(column: "expires_at", as: Date.self))
        record.claimToken = try row.decode(column: "claim_token", as: String?.self)
        record.claimedAt = try row.decode(column: "claimed_at", as: Date?.self)
        record.completedAt = try row.decode(column: "completed_at", as: Date?.self)
        record.identityID = try row.decode(column: "identity_id", as: UUID?.self)
        record.createdAt = try row.decode(column: "created_at", as: Date?.self)
        return record
    }
}
