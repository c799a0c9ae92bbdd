import Fluent
import Foundation
import SQLKit

/// The one way to `oidc_authorization_requests`: validated authorization requests waiting while their browser
/// signs in with WeChat. Each is bound to the browser that made it (the hash of a cookie value) and is used once:
/// the conditional `UPDATE … RETURNING` in `take` lets exactly one request through.
struct AuthorizationRequestStore: Sendable {
    static let table = "oidc_authorization_requests"

    let database: any Database

    /// Stores `request` under a new random id for the browser whose cookie hashes to `browserHash`; returns the id.
    /// `signInSeen` is the browser's sign-in time when the request came, if it had one (a fresh login must be another).
    func insert(_ request: AuthorizationRequest, browserHash: String, freshLoginRequired: Bool, signInSeen: Date?,
                now: Date, lifetime: TimeInterval) async throws -> String {
        let id = OpaqueToken.random(bytes: 24)
        try await database.sql().raw("""
            INSERT INTO oidc_authorization_requests (id, request_id, browser_hash, client_id, redirect_uri, scope, state,
                nonce, code_challenge, fresh_login_required, sign_in_seen, created_at, expires_at)
            VALUES (\(bind: UUID()), \(bind: id), \(bind: browserHash), \(bind: request.clientID),
                \(bind: request.redirectURI), \(bind: request.scope), \(bind: request.state), \(bind: request.nonce),
                \(bind: request.codeChallenge), \(bind: freshLoginRequired),
                \(bind: signInSeen?.timeIntervalSince1970), \(bind: now),
                \(bind: now.addingTimeInterval(lifetime)))
            """).run()
        return id
    }

    /// The client a pending request is for (the sign-in it waits for names it in its event); nil for an unknown id.
    func clientID(ofRequest id: String) async throws -> String? {
        try await database.sql().raw("""
            SELECT client_id FROM oidc_authorization_requests WHERE request_id = \(bind: id)
            """).first()?.decode(column: "client_id", as: String.self)
    }

    /// The `request` of a return path that resumes an authorization request (`/oauth/authorize/continue?request=`).
    static func requestID(resumedBy returnTo: String) -> String? {
        let prefix = "/oauth/authorize/continue?request="
        guard returnTo.hasPrefix(prefix) else { return nil }
        let id = returnTo.dropFirst(prefix.count)
        guard !id.isEmpty, id.utf8.count <= 64, !id.contains("&") else { return nil }
        return String(id)
    }

    /// A pending request taken for good.
    struct Taken: Sendable {
        var request: AuthorizationRequest
        var freshLoginRequired: Bool
        /// The browser's sign-in time when the request came (seconds since 1970), if it had one.
        var signInSeen: Double?
        var createdAt: Date
    }

    /// Marks the request used and returns it, when it is this browser's, unexpired and unused; nil otherwise (a
    /// second `take` of the same id, concurrent or not, always gets nil).
    func take(_ id: String, browserHash: String, now: Date) async throws -> Taken? {
        guard let row = try await database.sql().raw("""
            UPDATE oidc_authorization_requests SET used_at = \(bind: now)
            WHERE request_id = \(bind: id) AND browser_hash = \(bind: browserHash) AND used_at IS NULL
              AND expires_at > \(bind: now)
            RETURNING client_id, redirect_uri, scope, state, nonce, code_challenge, fresh_login_required, sign_in_seen,
                created_at
            """).first() else { return nil }
        let request = AuthorizationRequest(
            clientID: try row.decode(column: "client_id", as: String.self),
            redirectURI: try row.decode(column: "redirect_uri", as: String.self),
            scopes: try row.decode(column: "scope", as: String.self).split(separator: " ").map(String.init),
            state: try row.decode(column: "state", as: String?.self),
            nonce: try row.decode(column: "nonce", as: String?.self),
            codeChallenge: try row.decode(column: "code_challenge", as: String?.self),
            promptNone: false, promptLogin: false, maxAge: nil, language: nil)
        return Taken(request: request, freshLoginRequired: try row.decode(column: "fresh_login_required", as: Bool.self),
                     signInSeen: try row.decode(column: "sign_in_seen", as: Double?.self),
                     createdAt: try row.decode(column: "created_at", as: Date.self))
    }

    /// Deletes rows that expired before `cutoff`; returns how many.
    static func sweep(expiredBefore cutoff: Date, on database: any Database) async throws -> Int {
        try await database.sql().raw("DELETE FROM \(ident: table) WHERE expires_at < \(bind: cutoff) RETURNING id").all().count
    }
}
