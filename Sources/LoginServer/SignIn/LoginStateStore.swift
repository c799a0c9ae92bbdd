import Fluent
import SQLKit
import Foundation
import WeChatKit

/// Creates, claims and completes login `state` rows.
///
/// A callback first *claims* its state with one conditional UPDATE, so of two concurrent callbacks for the same
/// state (WeChat's double callback) exactly one exchanges a code; the other waits for its result. A claim older
/// than `staleClaimAfter` is treated as abandoned (the process that held it died).
struct LoginStateStore: Sendable {
    let database: any Database
    let clock: any ServerClock
    var staleClaimAfter: TimeInterval = 30
    /// Batches the state insert with concurrent logins' (the application's `LoginWriters.states`).
    var batcher: StatementBatcher<LoginWriters.State, Bool>?

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

    /// Stores a new state for a login that is about to leave for WeChat.
    @discardableResult
    func create(state: OAuthState, binding: BrowserBinding, appID: String, flow: LoginFlow, scope: OAuthScope,
                returnTo: ReturnTo, lifetime: TimeInterval) async throws -> OAuthStateRecord {
        let now = clock.now()
        let record = OAuthStateRecord(
            state: state.rawValue, browserBindingHash: binding.hash, appID: appID, flow: flow.rawValue,
            scope: scope.rawValue, returnTo: returnTo.path, expiresAt: now.addingTimeInterval(lifetime))
        // One plain INSERT (batched with concurrent logins' when a batcher is given): every login starts here.
        // Written as SQL text, since Fluent's model path reflects over the model and SQLKit's builder quotes every
        // identifier on every call.
        let item = LoginWriters.State(
            state: state.rawValue, browserBindingHash: record.browserBindingHash, appID: appID, flow: flow.rawValue,
            scope: scope.rawValue, returnTo: returnTo.path, expiresAt: record.expiresAt, createdAt: now)
        if let batcher {
            _ = try await batcher.submit(item)
        } else {
            _ = try await LoginWriters.insertStates([item], on: database)
        }
        record.createdAt = now
        return record
    }

    /// Looks the state up and, when it is fresh and unclaimed, claims it for this callback.
    ///
    /// The usual case — this browser's fresh, unclaimed state — is one conditional `UPDATE … RETURNING`; only when
    /// it claims nothing does the state get read to say why.
    /// `bindings` are the ones this browser's cookie carries (several when logins were started in several tabs).
    func claim(state: String, bindings: [BrowserBinding]) async throws -> Claim {
        if !bindings.isEmpty, let sql = database as? any SQLDatabase {
            let now = clock.now()
            let token = UUID().uuidString
            let rows = try await sql.raw("""
                UPDATE oauth_states SET claim_token = \(bind: token), claimed_at = \(bind: now)
                WHERE state = \(bind: state) AND browser_binding_hash IN (\(binds: bindings.map(\.hash)))
                  AND completed_at IS NULL AND expires_at > \(bind: now)
                  AND (claim_token IS NULL OR claimed_at < \(bind: now.addingTimeInterval(-staleClaimAfter)))
                RETURNING browser_binding_hash, app_id, flow, scope, return_to, expires_at, created_at
                """).all()
            if let row = rows.first {
                // Decoded column by column: Fluent's model decoding reflects over the model on every row.
                let record = OAuthStateRecord(
                    state: state, browserBindingHash: try row.decode(column: "browser_binding_hash", as: String.self),
                    appID: try row.decode(column: "app_id", as: String.self),
                    flow: try row.decode(column: "flow", as: String.self),
                    scope: try row.decode(column: "scope", as: String.self),
                    returnTo: try row.decode(column: "return_to", as: String.self),
                    expiresAt: try row.decode(column: "expires_at", as: Date.self))
                record.createdAt = try row.decode(column: "created_at", as: Date?.self)
                record.claimToken = token
                record.claimedAt = now
                return .claimed(record, token: token)
            }
        }
        return try await classify(state: state, bindings: bindings)
    }

    /// Why a state could not be claimed at once (or, without SQL, the claim itself).
    private func classify(state: String, bindings: [BrowserBinding]) async throws -> Claim {
        guard let record = try await OAuthStateRecord.find(state, on: database) else { return .unknown }
        // Every binding is compared (no early exit), in constant time.
        var matches = false
        for binding in bindings where ConstantTime.equals(binding.hash, record.browserBindingHash) { matches = true }
        guard matches else { return .otherBrowser }
        if record.completedAt != nil { return .completed(record) }
        let now = clock.now()
        if now >= record.expiresAt { return .expired(record) }

        let token = UUID().uuidString
        let staleBefore = now.addingTimeInterval(-staleClaimAfter)
        try await OAuthStateRecord.query(on: database)
            .filter(\.$id == state)
            .filter(\.$completedAt == nil)
            .group(.or) { $0.filter(\.$claimToken == nil).filter(\.$claimedAt < staleBefore) }
            .set(\.$claimToken, to: token)
            .set(\.$claimedAt, to: now)
            .update()
        guard let fresh = try await OAuthStateRecord.find(state, on: database) else { return .unknown }
        if fresh.claimToken == token { return .claimed(fresh, token: token) }
        if fresh.completedAt != nil { return .completed(fresh) }
        return .busy(fresh)
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
        try await OAuthStateRecord.query(on: database)
            .filter(\.$id == record.requireID())
            .filter(\.$claimToken == token)
            .set(\.$claimToken, to: nil)
            .set(\.$claimedAt, to: nil)
            .update()
    }

    /// Waits (bounded) for another callback's claim on the same state to complete; `nil` when it did not.
    func awaitCompletion(of state: String, attempts: Int = 50, interval: Duration = .milliseconds(100))
        async throws -> OAuthStateRecord? {
        for _ in 0..<attempts {
            try await Task.sleep(for: interval)
            guard let record = try await OAuthStateRecord.find(state, on: database) else { return nil }
            if record.completedAt != nil { return record }
            if record.claimToken == nil { return nil }
        }
        return nil
    }
}
