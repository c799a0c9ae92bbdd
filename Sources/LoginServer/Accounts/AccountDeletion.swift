import Fluent
import Foundation

/// 注销: deletes an account, for the person (`/account/delete`, `POST /api/me/delete`) and for the business
/// (`DELETE /api/admin/users/…`), in one write transaction, each table through the store that owns it.
///
/// What goes: the user's row (phone, email, name, external id), their WeChat identities (openids, unionid, profile,
/// sealed WeChat tokens) and any unbound identity with their unionid, login states and code challenges of those
/// identities and challenges sent to their addresses, the sandbox outbox's copies, per-account limit counters, every
/// session (all instances read sessions from the table), pushes from their openids, messages not yet sent, the
/// provider's codes and tokens (the userinfo check and a refresh need the rows, so they fail at once everywhere),
/// and webhook deliveries of their events not yet delivered. What stays, without personal data: messages already
/// sent (detached: no recipient, no content), their earlier events (scrubbed: no openid, unionid or address), and
/// the `user.deleted` event (the user id and external id the business knows, the delivered-message count), which
/// webhooks deliver.
struct AccountDeletion: Sendable {
    let database: any Database

    /// No such user: never existed, or another deletion committed first.
    struct NotFound: Error, Equatable {}

    /// What one deletion removed and kept.
    struct Deleted: Sendable, Equatable {
        var userID: UUID
        var externalID: String?
        var identities: Int
        var sessions: Int
        var cancelledMessages: Int
        var deliveredMessages: Int
        var revokedTokens: Int
    }

    /// Deletes `userID`'s account as `actor` at `now`. Two deletions of one account at once: the user's row is
    /// locked first (PostgreSQL; SQLite's write transactions are `IMMEDIATE`), so the second finds no user and
    /// throws ``NotFound``, and exactly one `user.deleted` is written.
    func delete(userID: UUID, actor: EventActor, now: Date) async throws -> Deleted {
        try await database.writeTransaction { tx in
            let users = UserStore(database: tx)
            guard try await users.lock(userID), let user = try await users.find(userID) else { throw NotFound() }
            let identityStore = IdentityStore(database: tx)
            let identities = try await identityStore.namingPerson(userID)
            let ids = identities.map(\.id)
            let pairs = identities.map { (appID: $0.appID, openID: $0.openID) }

            let challenges = BindChallengeStore(database: tx)
            let addresses = Set(try await challenges.destinations(ofIdentities: ids) + [user.phone, user.email].compactMap { $0 })
            _ = try await challenges.deleteChallenges(identityIDs: ids, destinations: addresses.sorted())
            _ = try await OutboxStore(database: tx).deleteMessages(to: addresses.sorted())
            _ = try await LoginStateStore.deleteStates(ofIdentities: ids, on: tx)
            let removedIdentities = try await identityStore.delete(ids)
            let sessions = try await LoginSessionStore.deleteSessions(ofUser: userID, on: tx)
            _ = try await BindLimiter.deleteCounters(ofAccount: userID, on: tx)
            _ = try await InboundEventStore.deletePushes(of: pairs, on: tx)
            _ = try await PushRelayStore(database: tx).deleteRelays(naming: Set(pairs.map(\.openID)))
            _ = try await FollowLoginSceneStore(database: tx).deleteScenes(ofIdentities: ids, openIDs: pairs.map(\.openID))
            let messages = try await TemplateMessageQueue.forgetRecipient(userID, identities: pairs, at: now, on: tx)
            _ = try await AuthorizationCodeStore.deleteCodes(ofUser: userID, on: tx)
            let tokens = try await OIDCRefreshTokenStore.deleteTokens(ofUser: userID, now: now, on: tx)
                + OIDCAccessTokenStore.deleteTokens(ofUser: userID, now: now, on: tx)
            _ = try await WebhookDeliveryStore(database: tx).deleteUndelivered(ofUser: userID)
            let log = EventLog(database: tx)
            _ = try await log.scrub(userID: userID, openIDs: Set(identities.map(\.openID)),
                                   unionIDs: Set(identities.compactMap(\.unionID)))
            guard let removed = try await users.delete(userID) else { throw NotFound() }
            // A person's client address is theirs too; the business's (admin) is not.
            let recorded = actor.kind == .person ? EventActor(kind: .person, address: nil) : actor
            try await log.append(Event(.userDeleted, userID: userID, actor: recorded, payload: EventPayload(
                externalID: removed.externalID, deliveredMessages: messages.delivered)), at: now)
            return Deleted(userID: userID, externalID: removed.externalID, identities: removedIdentities,
                           sessions: sessions, cancelledMessages: messages.cancelled,
                           deliveredMessages: messages.delivered, revokedTokens: tokens)
        }
    }

    /// The typed confirmation the person gives: `注销` or `DELETE` (any case), spaces around ignored.
    static func confirms(_ typed: String?) -> Bool {
        guard let text = typed?.trimmingCharacters(in: .whitespacesAndNewlines) else { return false }
        return text == "注销" || text.uppercased() == "DELETE"
    }

    /// Whether a sign-in at `signedInAt` is recent enough at `now` to delete the account (within `window`).
    static func isFresh(signedInAt: Date, now: Date, window: TimeInterval) -> Bool {
        let age = now.timeIntervalSince(signedInAt)
        return age >= -5 && age <= window
    }
}
