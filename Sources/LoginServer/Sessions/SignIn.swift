import Fluent
import Foundation
import Vapor
import WeChatKit

/// Who is signed in, and the pending WeChat identity of a login that still needs binding, kept in the session.
enum SignIn {
    private static let userKey = "uid"
    private static let signedInAtKey = "at"
    private static let pendingIdentityKey = "pending"
    private static let pendingReturnKey = "return"
    private static let csrfKey = "csrf"
    private static let pendingSinceKey = "pending_at"
    /// The login `state` whose callback created this session.
    private static let originStateKey = "via"

    /// The signed-in user's id, when the session has one that has not outlived the session lifetime.
    static func userID(_ req: Request) -> UUID? {
        // Reading `req.session` creates one; anonymous visitors must not each get a database row.
        guard req.hasSession, let raw = req.session.data[userKey], let id = UUID(uuidString: raw),
              let at = req.session.data[signedInAtKey].flatMap(TimeInterval.init) else { return nil }
        let age = req.login.clock.now().timeIntervalSince1970 - at
        return age < req.login.configuration.sessionLifetime ? id : nil
    }

    /// The signed-in user, or a redirect to the login page.
    static func requireUser(_ req: Request) async throws -> User {
        guard let id = userID(req), let user = try await UserStore(database: req.db).find(id) else {
            throw Abort.redirect(to: LoginLinks.login(returnTo: req.url.path))
        }
        return user
    }

    /// Signs `userID` in under a fresh session id (the old one is deleted, so a planted id cannot be reused) with a
    /// fresh CSRF token. `origin` is the login `state` whose callback signs in, when one does.
    static func signIn(_ req: Request, userID: UUID, origin: String? = nil) async throws {
        try await rotate(req)
        req.session.data[userKey] = userID.uuidString
        req.session.data[signedInAtKey] = String(req.login.clock.now().timeIntervalSince1970)
        req.session.data[originStateKey] = origin
    }

    /// Remembers an identity that must be bound before its person can be signed in (for
    /// `pendingBindingLifetime`).
    static func setPending(_ req: Request, identityID: UUID, returnTo: ReturnTo, origin: String) async throws {
        try await rotate(req)
        req.session.data[pendingIdentityKey] = identityID.uuidString
        req.session.data[pendingReturnKey] = returnTo.path
        req.session.data[pendingSinceKey] = String(req.login.clock.now().timeIntervalSince1970)
        req.session.data[originStateKey] = origin
    }

    /// The identity waiting to be bound, and where to go afterwards; `nil` once the wait outlived
    /// `pendingBindingLifetime`.
    static func pending(_ req: Request) -> (identityID: UUID, returnTo: ReturnTo)? {
        guard req.hasSession, let raw = req.session.data[pendingIdentityKey], let id = UUID(uuidString: raw),
              let since = req.session.data[pendingSinceKey].flatMap(TimeInterval.init) else { return nil }
        let age = req.login.clock.now().timeIntervalSince1970 - since
        guard age >= 0, age < req.login.configuration.pendingBindingLifetime else { return nil }
        return (id, ReturnTo.orHome(req.session.data[pendingReturnKey]))
    }

    /// The login `state` whose callback created this session, if one did.
    static func originState(_ req: Request) -> String? {
        req.hasSession ? req.session.data[originStateKey] : nil
    }

    /// Whether the session holds a signed-in user or an identity waiting to be bound (whatever their age).
    static func holdsSignIn(_ req: Request) -> Bool {
        guard req.hasSession else { return false }
        return req.session.data[userKey] != nil || req.session.data[pendingIdentityKey] != nil
    }

    /// Signs out: forgets the session and the browser's login bindings, so a completed callback left in the
    /// history signs no one in again.
    static func signOut(_ req: Request, _ response: Response) {
        req.session.destroy()
        let configuration = req.login.configuration
        response.cookies[configuration.cookieName(BrowserBindingCookie.baseName)] =
            BrowserBindingCookie.expired(secure: configuration.isHTTPS)
    }

    /// The session's CSRF token for forms, created on first use.
    static func csrfToken(_ req: Request) -> String {
        if let token = req.session.data[csrfKey] { return token }
        let token = BrowserBinding.random().value
        req.session.data[csrfKey] = token
        return token
    }

    /// Checks a submitted form's CSRF token.
    static func checkCSRF(_ req: Request, submitted: String?) throws {
        guard req.hasSession, let expected = req.session.data[csrfKey], let submitted, ConstantTime.equals(expected, submitted) else {
            throw Abort(.forbidden, reason: "The form has expired. Reload the page and try again.")
        }
    }

    /// Checks the JSON API's `X-CSRF-Token` header (the `csrfToken` of `GET /api/me`): a cross-site page can send a
    /// POST with the session cookie, but cannot read the token or set the header without a CORS preflight.
    static func checkCSRFHeader(_ req: Request) throws {
        guard req.hasSession, let expected = req.session.data[csrfKey],
              let submitted = req.headers.first(name: csrfHeader), ConstantTime.equals(expected, submitted) else {
            throw Abort(.forbidden, reason: "Missing or wrong \(csrfHeader) header: send the csrfToken of GET /api/me.")
        }
    }

    /// The header the JSON API's state-changing requests carry.
    static let csrfHeader = "X-CSRF-Token"

    /// A new session id and empty data (a new CSRF token is made on first use): whatever a planted or stolen
    /// pre-login session held does not carry over.
    private static func rotate(_ req: Request) async throws {
        if let old = req.session.id {
            try await LoginSessionStore(database: req.db, clock: req.login.clock,
                                        lifetime: req.login.configuration.sessionLifetime).delete(old)
            req.session.id = nil
        }
        req.session.data = SessionData()
    }
}
