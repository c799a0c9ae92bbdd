import Fluent
import Foundation
import Vapor

/// Who is signed in, and the pending WeChat identity of a login that still needs binding, kept in the session.
enum SignIn {
    private static let userKey = "uid"
    private static let signedInAtKey = "at"
    private static let pendingIdentityKey = "pending"
    private static let pendingReturnKey = "return"
    private static let csrfKey = "csrf"

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
        guard let id = userID(req), let user = try await User.find(id, on: req.db) else {
            throw Abort.redirect(to: LoginLinks.login(returnTo: req.url.path))
        }
        return user
    }

    /// Signs `userID` in under a fresh session id (the old one is deleted, so a planted id cannot be reused).
    static func signIn(_ req: Request, userID: UUID) async throws {
        try await rotate(req)
        req.session.data[userKey] = userID.uuidString
        req.session.data[signedInAtKey] = String(req.login.clock.now().timeIntervalSince1970)
        req.session.data[pendingIdentityKey] = nil
        req.session.data[pendingReturnKey] = nil
    }

    /// Remembers an identity that must be bound before its person can be signed in.
    static func setPending(_ req: Request, identityID: UUID, returnTo: ReturnTo) async throws {
        try await rotate(req)
        req.session.data[pendingIdentityKey] = identityID.uuidString
        req.session.data[pendingReturnKey] = returnTo.path
    }

    /// The identity waiting to be bound, and where to go afterwards.
    static func pending(_ req: Request) -> (identityID: UUID, returnTo: ReturnTo)? {
        guard req.hasSession, let raw = req.session.data[pendingIdentityKey], let id = UUID(uuidString: raw) else { return nil }
        return (id, ReturnTo.orHome(req.session.data[pendingReturnKey]))
    }

    /// Signs out and forgets the session.
    static func signOut(_ req: Request) {
        req.session.destroy()
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

    private static func rotate(_ req: Request) async throws {
        let csrf = req.session.data[csrfKey]
        if let old = req.session.id {
            try await LoginSessionStore(database: req.db, clock: req.login.clock,
                                        lifetime: req.login.configuration.sessionLifetime).delete(old)
            req.session.id = nil
        }
        req.session.data = SessionData()
        if let csrf { req.session.data[csrfKey] = csrf }
    }
}
