import Fluent
import Foundation

/// What a signed-in person may do to their own account.
struct AccountService: Sendable {
    let database: any Database

    /// Why an unbind was refused.
    enum UnbindFailure: Error, Equatable {
        /// No such identity on this account.
        case notFound
        /// It is the account's last way to sign in.
        case lastSignInMethod
    }

    /// The user's identities, oldest first.
    func identities(of user: User) async throws -> [WeChatIdentity] {
        try await IdentityStore(database: database).identities(ofUser: user.requireID())
    }

    /// Unlinks one WeChat identity, never the last one (it is the only way to sign in), and in the same transaction
    /// revokes every OpenID Connect refresh and access token of the user, at every app: which app's sign-in came
    /// through which identity is not recorded, and an unlink is what a person does when a WeChat account is lost or
    /// no longer theirs, so every app signs them in again. `now` dates the revocation.
    ///
    /// Count and unlink are serialised per user: the user's row is locked first on PostgreSQL (SQLite's write
    /// transactions are `IMMEDIATE`), so two concurrent unbinds of an account's two identities cannot both see two.
    /// Writes `identity.unbound` (and `oidc.tokens_revoked` when tokens were alive) in that transaction.
    func unbind(identityID: UUID, from user: User, now: Date,
                actor: EventActor = EventActor(kind: .person, address: nil)) async throws {
        let userID = try user.requireID()
        try await database.writeTransaction { tx in
            guard try await UserStore(database: tx).lock(userID) else { throw UnbindFailure.notFound }
            let store = IdentityStore(database: tx)
            let identities = try await store.identities(ofUser: userID)
            guard let identity = identities.first(where: { $0.id == identityID }) else { throw UnbindFailure.notFound }
            guard identities.count > 1 else { throw UnbindFailure.lastSignInMethod }
            // The identity row stays (its openid may come back); it is only unlinked and its tokens dropped.
            try await store.unlink(identity)
            let revoked = try await OIDCRefreshTokenStore(database: tx).revokeUser(userID, now: now)
                + OIDCAccessTokenStore(database: tx).revokeUser(userID, now: now)
            var events = [Event(.identityUnbound, userID: userID, actor: actor, payload: EventPayload(
                identityID: identityID, appID: identity.appID, openID: identity.openID))]
            if revoked > 0 {
                events.append(Event(.tokensRevoked, userID: userID, actor: actor,
                                    payload: EventPayload(reason: "identity_unbound", count: revoked)))
            }
            try await EventLog(database: tx).append(events, at: now)
        }
    }
}
