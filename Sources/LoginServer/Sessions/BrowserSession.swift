import Fluent
import Foundation
import Vapor
import WeChatKit

/// Who is signed in, and the pending WeChat identity of a login that still needs binding, kept in the browser's
/// session. Built once at start-up with the clock and the lifetimes it checks ages against.
struct BrowserSession: Sendable {
    let configuration: LoginServerConfiguration
    let clock: any ServerClock
    /// The application's batcher for `login_sessions` inserts (`LoginWriters.sessions`).
    let writer: StatementBatcher<LoginSessionStore.Row, Bool>

    /// The session rows on `database` (the request's).
    func store(on database: any Database) -> LoginSessionStore {
        LoginSessionStore(database: database, clock: clock, lifetime: configuration.sessionLifetime, batcher: writer)
    }

    static let userKey = "uid"
    private static let signedInAtKey = "at"
    private static let pendingIdentityKey = "pending"
    private static let pendingReturnKey = "return"
    private static let csrfKey = "csrf"
    private static let pendingSinceKey = "pending_at"
    /// The login `state` whose callback created this session.
    private static let originStateKey = "via"

    /// The signed-in user's id, when the session has one that has not outlived the session lifetime.
    func userID(_ req: Request) -> UUID? {
        // Reading `req.session` creates one; anonymous visitors must not each get a database row.
        guard req.hasSession, let raw = req.session.data[Self.userKey], let id = UUID(uuidString: raw),
              let at = req.session.data[Self.signedInAtKey].flatMap(TimeInterval.init) else { return nil }
        let age = clock.now().timeIntervalSince1970 - at
        return age < configuration.sessionLifetime ? id : nil
    }

    /// The signed-in user's id and when they signed in (the OpenID Connect `auth_time`), under the same rule as
    /// `userID`.
    func signedIn(_ req: Request) -> (userID: UUID, at: Date)? {
        guard let id = userID(req), let at = req.session.data[Self.signedInAtKey].flatMap(TimeInterval.init) else { return nil }
        return (id, Date(timeIntervalSince1970: at))
    }

    /// The signed-in user, or a redirect to the login page.
    func requireUser(_ req: Request) async throws -> User {
        guard let id = userID(req), let user = try await UserStore(database: req.db).find(id) else {
            throw Abort.redirect(to: LoginLinks.login(returnTo: req.url.path))
        }
        return user
    }

    /// Signs `userID` in under a fresh session id (the old one is deleted, so a planted id cannot be reused) with a
    /// fresh CSRF token. `origin` is the login `state` whose callback signs in, when one does.
    func signIn(_ req: Request, userID: UUID, origin: String? = nil) async throws {
        try await rotate(req)
        req.session.data[Self.userKey] = userID.uuidString
        req.session.data[Self.signedInAtKey] = String(clock.now().timeIntervalSince1970)
        req.session.data[Self.originStateKey] = origin
    }

    /// Remembers an identity that must be bound before its person can be signed in (for
    /// `pendingBindingLifetime`).
    func setPending(_ req: Request, identityID: UUID, returnTo: ReturnTo, origin: String) async throws {
        try await rotate(req)
        req.session.data[Self.pendingIdentityKey] = identityID.uuidString
        req.session.data[Self.pendingReturnKey] = returnTo.path
        req.session.data[Self.pendingSinceKey] = String(clock.now().timeIntervalSince1970)
        req.session.data[Self.originStateKey] = origin
    }

    /// The identity waiting to be bound, and where to go afterwards; `nil` once the wait outlived
    /// `pendingBindingLifetime`.
    func pending(_ req: Request) -> (identityID: UUID, returnTo: ReturnTo)? {
        guard req.hasSession, let raw = req.session.data[Self.pendingIdentityKey], let id = UUID(uuidString: raw),
              let since = req.session.data[Self.pendingSinceKey].flatMap(TimeInterval.init) else { return nil }
        let age = clock.now().timeIntervalSince1970 - since
        guard age >= 0, age < configuration.pendingBindingLifetime else { return nil }
        return (id, ReturnTo.orHome(req.session.data[Self.pendingReturnKey]))
    }

    /// The login `state` whose callback created this session, if one did.
    static func originState(_ req: Request) -> String? {
        req.hasSession ? req.session.data[Self.originStateKey] : nil
    }

    /// Whether the session holds a signed-in user or an identity waiting to be bound (whatever their age).
    static func holdsSignIn(_ req: Request) -> Bool {
        guard req.hasSession else { return false }
        return req.session.data[Self.userKey] != nil || req.session.data[Self.pendingIdentityKey] != nil
    }

    /// Signs out: forgets the session and the browser's login bindings, so a completed callback left in the
    /// history signs no one in again.
    func signOut(_ req: Request, _ response: Response) {
        req.session.destroy()
        response.cookies[configuration.cookieName(BrowserBindingCookie.baseName)] =
            BrowserBindingCookie.expired(secure: configuration.isHTTPS)
    }

    /// The session's CSRF token for forms, created on first use.
    static func csrfToken(_ req: Request) -> String {
        if let token = req.session.data[Self.csrfKey] { return token }
        let token = BrowserBinding.random().value
        req.session.data[Self.csrfKey] = token
        return token
    }

    /// Checks a submitted form's CSRF token.
    static func checkCSRF(_ req: Request, submitted: String?) throws {
        guard req.hasSession, let expected = req.session.data[Self.csrfKey], let submitted, ConstantTime.equals(expected, submitted) else {
            throw Abort(.forbidden, reason: "The form has expired. Reload the page and try again.")
        }
    }

    /// Checks the JSON API's `X-CSRF-Token` header (the `csrfToken` of `GET /api/me`): a cross-site page can send a
    /// POST with the session cookie, but cannot read the token or set the header without a CORS preflight.
    static func checkCSRFHeader(_ req: Request) throws {
        guard req.hasSession, let expected = req.session.data[Self.csrfKey],
              let submitted = req.headers.first(name: Self.csrfHeader), ConstantTime.equals(expected, submitted) else {
            throw Abort(.forbidden, reason: "Missing or wrong \(Self.csrfHeader) header: send the csrfToken of GET /api/me.")
        }
    }

    /// The header the JSON API's state-changing requests carry.
    static let csrfHeader = "X-CSRF-Token"

    /// A new session id and empty data (a new CSRF token is made on first use): whatever a planted or stolen
    /// pre-login session held does not carry over.
    private func rotate(_ req: Request) async throws {
        if let old = req.session.id {
            try await store(on: req.db).delete(old)
            req.session.id = nil
        }
        req.session.data = SessionData()
    }
}
