import Crypto
import Fluent
import Foundation
import SQLKit
import Vapor
import WeChatKit

/// Browser sessions, and the one way to the `login_sessions` table: SQL text (every login writes one), stored under
/// the SHA-256 of the cookie's id (a copy of the table signs no one in), and ending at `expires_at`.
///
/// Replaces Vapor's Fluent session driver, whose model reflection was a large share of a login's CPU, and whose
/// rows never expired. Vapor's `SessionsMiddleware` updates a session after every request that had one; an
/// update whose data did not change is skipped here.
struct LoginSessionStore: Sendable {
    let database: any Database
    let clock: any ServerClock
    /// How long a session row lives after it is created.
    let lifetime: TimeInterval
    /// The application's batcher for this table's inserts (`LoginWriters.sessions`); a store built without one
    /// (tests) gets its own. Every insert goes through it: a lone sign-in is written at once.
    let inserts: StatementBatcher<Row, Bool>

    init(database: any Database, clock: any ServerClock, lifetime: TimeInterval,
         batcher: StatementBatcher<Row, Bool>? = nil) {
        self.database = database
        self.clock = clock
        self.lifetime = lifetime
        self.inserts = batcher ?? Self.batcher(on: database)
    }

    static let schema = "login_sessions"

    /// One new session row.
    struct Row: Sendable {
        var idHash: String
        var data: String
        /// The signed-in user the data names, so deleting an account finds its sessions (`deleteSessions`).
        var userID: UUID?
        var createdAt: Date
        var expiresAt: Date
    }

    /// The application-wide batcher that writes this table's inserts.
    static func batcher(on database: any Database) -> StatementBatcher<Row, Bool> {
        StatementBatcher(name: "login_sessions") { try await insert($0, on: database) }
    }

    /// One multi-row `INSERT` for a batch of new sessions.
    private static func insert(_ items: [Row], on database: any Database) async throws -> [Bool] {
        let values = items.map {
            SQLQueryString("(\(bind: $0.idHash), \(bind: $0.data), \(bind: $0.userID), \(bind: $0.createdAt), \(bind: $0.expiresAt))")
        }
        try await database.sql().raw("""
            INSERT INTO login_sessions (id_hash, data, user_id, created_at, expires_at) VALUES \(SQLList(values))
            """).run()
        return items.map { _ in true }
    }

    /// A new session holding `data`; returns its id (the cookie's value). An empty session (a stale cookie's
    /// replacement, which Vapor creates for anonymous visitors) gets an id but no row.
    func create(_ data: SessionData) async throws -> SessionID {
        let id = Self.newID()
        if data.snapshot.isEmpty { return SessionID(string: id) }
        let now = clock.now()
        _ = try await inserts.submit(Row(idHash: Self.hash(id), data: try Self.encode(data), userID: Self.userID(in: data),
                                         createdAt: now,
                                         expiresAt: now.addingTimeInterval(lifetime)))
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
            UPDATE login_sessions SET data = \(bind: try Self.encode(data)), user_id = \(bind: Self.userID(in: data))
            WHERE id_hash = \(bind: Self.hash(id.string))
            """).run()
    }

    func delete(_ id: SessionID) async throws {
        guard Self.isWellFormed(id.string) else { return }
        try await database.sql().raw("DELETE FROM login_sessions WHERE id_hash = \(bind: Self.hash(id.string))").run()
    }

    /// When the session with this id was created and when it expires (for the person's data export); never its data.
    func dates(of id: SessionID) async throws -> (createdAt: Date, expiresAt: Date)? {
        guard Self.isWellFormed(id.string) else { return nil }
        guard let row = try await database.sql().raw("""
            SELECT created_at, expires_at FROM login_sessions WHERE id_hash = \(bind: Self.hash(id.string))
            """).first() else { return nil }
        return (try row.decode(column: "created_at", as: Date.self), try row.decode(column: "expires_at", as: Date.self))
    }

    /// Deletes sessions that expired before `cutoff`; returns how many.
    static func sweep(expiredBefore cutoff: Date, on database: any Database) async throws -> Int {
        let sql = try database.sql()
        let expired = try await sql.raw("""
            SELECT COUNT(*) AS expired FROM login_sessions WHERE expires_at < \(bind: cutoff)
            """).first()?.decode(column: "expired", as: Int.self) ?? 0
        try await sql.raw("DELETE FROM login_sessions WHERE expires_at < \(bind: cutoff)").run()
        return expired
    }

    /// The user a session's data signs in (`BrowserSession.signIn`), kept in its own column.
    static func userID(in data: SessionData) -> UUID? {
        data[BrowserSession.userKey].flatMap(UUID.init(uuidString:))
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
    let sessions: BrowserSession

    private func store(_ request: Request) -> LoginSessionStore {
        sessions.store(on: request.db)
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
