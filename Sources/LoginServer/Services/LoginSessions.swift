import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import WeChatKit

/// Browser sessions in the `login_sessions` table: written with one SQLKit statement each, stored under the
/// SHA-256 of the cookie's id (a copy of the table signs no one in), and ending at `expires_at`.
///
/// Replaces Vapor's Fluent session driver, whose model reflection was a large share of a login's CPU, and whose
/// rows never expired. Vapor's `SessionsMiddleware` updates a session after every request that had one; an
/// update whose data did not change is skipped here.
struct LoginSessionStore: Sendable {
    let database: any Database
    let clock: any ServerClock
    /// How long a session row lives after it is created.
    let lifetime: TimeInterval
    /// Batches the insert with concurrent sign-ins' (the application's `LoginWriters.sessions`).
    var batcher: StatementBatcher<LoginWriters.Session, Bool>?

    static let schema = "login_sessions"

    /// A new session holding `data`; returns its id (the cookie's value). An empty session (a stale cookie's
    /// replacement, which Vapor creates for anonymous visitors) gets an id but no row.
    func create(_ data: SessionData) async throws -> SessionID {
        let id = Self.newID()
        if data.snapshot.isEmpty { return SessionID(string: id) }
        let now = clock.now()
        let item = LoginWriters.Session(idHash: Self.hash(id), data: try Self.encode(data), createdAt: now,
                                        expiresAt: now.addingTimeInterval(lifetime))
        if let batcher {
            _ = try await batcher.submit(item)
        } else {
            _ = try await LoginWriters.insertSessions([item], on: database)
        }
        return SessionID(string: id)
    }

    /// The session's data, when `id` is well-formed and names a session that has not expired.
    func read(_ id: SessionID) async throws -> SessionData? {
        guard Self.isWellFormed(id.string) else { return nil }
        let row = try await database.sql().raw("""
            SELECT data FROM login_sessions WHERE id_hash = \(bind: Self.hash(id.string)) AND expires_at > \(bind: clock.now())
            """).first()
        guard let text = try row?.decode(column: "data", as: String.self) else { return nil }
        return try? Self.decode(text)
    }

    /// Replaces the session's data (its expiry stays).
    func update(_ id: SessionID, to data: SessionData) async throws {
        guard Self.isWellFormed(id.string) else { return }
        try await database.sql().raw("""
            UPDATE login_sessions SET data = \(bind: try Self.encode(data)) WHERE id_hash = \(bind: Self.hash(id.string))
            """).run()
    }

    func delete(_ id: SessionID) async throws {
        guard Self.isWellFormed(id.string) else { return }
        try await database.sql().raw("DELETE FROM login_sessions WHERE id_hash = \(bind: Self.hash(id.string))").run()
    }

    /// 43 random letters and digits (about 256 bits), from the same generator as login states.
    static func newID() -> String { OAuthState.random(length: idLength).rawValue }

    /// Whether a cookie value could be one of our ids; anything else is not looked up.
    static func isWellFormed(_ id: String) -> Bool { id.utf8.count == idLength && OAuthState(rawValue: id) != nil }

    private static let idLength = 43

    /// The stored key: lowercase hex SHA-256 of the id.
    static func hash(_ id: String) -> String { Hex.lowercase(SHA256.hash(data: Data(id.utf8))) }

    static func encode(_ data: SessionData) throws -> String {
        String(decoding: try JSONEncoder().encode(data.snapshot), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> SessionData {
        SessionData(initialData: try JSONDecoder().decode([String: String].self, from: Data(text.utf8)))
    }
}

/// Vapor's session driver over `LoginSessionStore`, on the request's database and the server's clock.
struct LoginSessionDriver: SessionDriver {
    let lifetime: TimeInterval

    private func store(_ request: Request) -> LoginSessionStore {
        LoginSessionStore(database: request.db, clock: request.login.clock, lifetime: lifetime,
                          batcher: request.login.loginWriters.sessions)
    }

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        request.eventLoop.makeFutureWithTask {
            let id = try await store(request).create(data)
            request.storage[ReadSession.self] = (id, data)
            return id
        }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        request.eventLoop.makeFutureWithTask {
            let data = try await store(request).read(sessionID)
            if let data { request.storage[ReadSession.self] = (sessionID, data) }
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        if let (read, before) = request.storage[ReadSession.self], read == sessionID, before == data {
            return request.eventLoop.makeSucceededFuture(sessionID)
        }
        return request.eventLoop.makeFutureWithTask {
            try await store(request).update(sessionID, to: data)
            request.storage[ReadSession.self] = (sessionID, data)
            return sessionID
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        request.eventLoop.makeFutureWithTask { try await store(request).delete(sessionID) }
    }

    /// The session as this request last read or wrote it, so an unchanged session is not written back.
    private struct ReadSession: StorageKey {
        typealias Value = (SessionID, SessionData)
    }
}
