import Crypto
import Fluent
import Foundation

/// Binding a WeChat identity to a business user by a one-time code sent to their phone or email.
///
/// Every limit is enforced by the database, so concurrent requests on any number of instances cannot get past it:
/// sending takes the identity's row lock for the cooldown check and counts toward the per-address and
/// per-account caps (``BindLimiter``) in the transaction that inserts the challenge; checking a code first claims
/// one of the challenge's attempts with a conditional `UPDATE … RETURNING` (see `BindService+Verify.swift`).
struct BindService: Sendable {
    let database: any Database
    let clock: any ServerClock
    let codeKey: SymmetricKey
    let sender: any CodeSender
    let limiter: BindLimiter
    var codeLifetime: TimeInterval
    var maxAttempts: Int
    var resendCooldown: TimeInterval
    /// Who the events of this request's binding name: the person, from their address.
    var actor: EventActor

    /// Why a code could not be sent.
    enum StartFailure: Error, Equatable {
        /// A code went out less than the cooldown ago; try again after this many seconds.
        case cooldown(seconds: Int)
        /// The address or its account received as many codes as the caps allow for now.
        case limited(BindLimiter.Reached)
        /// The identity is already bound.
        case alreadyBound
    }

    /// What checking a typed code came to.
    enum Verification: Equatable {
        /// The identity is now bound to this user (created when no account had that address).
        case bound(userID: UUID, created: Bool)
        /// Wrong code; this many attempts remain.
        case wrongCode(remaining: Int)
        /// The challenge used up its attempts.
        case tooManyAttempts
        /// The challenge is past its lifetime.
        case expired
        /// No such challenge for this identity, or it was already used.
        case unknown
        /// The account with that address is already bound to another WeChat identity of the same app.
        case conflict
        /// Too many wrong codes against this address or its account for now; nothing was compared.
        case limited(BindLimiter.Reached)
    }

    /// Seconds until a new code may be sent for `identityID`: what is left of the resend cooldown since its last
    /// code, 0 when one may go now. The `Retry-After` of a challenge that used up its attempts, whose way on is a
    /// new code. A stored time comes back with the database's precision (SQLite keeps a double), so the rest is
    /// rounded up only past a millisecond: 39.9999999 s left is 40, not 41.
    func resendWait(identityID: UUID) async throws -> Int {
        guard let last = try await BindChallengeStore(database: database).lastSent(forIdentity: identityID) else { return 0 }
        return max(0, Int((resendCooldown - clock.now().timeIntervalSince(last) - 0.001).rounded(.up)))
    }

    /// Sends a new code to `contact` for `identityID`, replacing any earlier unused code.
    ///
    /// The cooldown check, the caps and the insert are one write transaction, serialised per identity (its row
    /// is locked on PostgreSQL; SQLite's write transactions are `IMMEDIATE`): of two concurrent requests, one sends.
    /// The code goes out after the commit; when it cannot, the challenge is deleted and the counts given back.
    func start(identityID: UUID, contact: ContactAddress, language: Language) async throws -> BindChallenge {
        let now = clock.now()
        let code = OneTimeCode.random()
        let challengeID = UUID()
        let challenge = BindChallenge(
            id: challengeID, identityID: identityID, contact: contact,
            codeHash: code.hash(challengeID: challengeID.uuidString, key: codeKey),
            sentAt: now, expiresAt: now.addingTimeInterval(codeLifetime))
        let (limiter, cooldown) = (self.limiter, resendCooldown)
        let counted: [BindLimiter.Counter]
        do {
            counted = try await database.writeTransaction { tx in
                let lock = try await IdentityStore(database: tx).lock(identityID)
                guard lock.exists, lock.userID == nil else { throw StartFailure.alreadyBound }
                let challenges = BindChallengeStore(database: tx)
                if let last = try await challenges.lastSent(forIdentity: identityID),
                   now.timeIntervalSince(last) < cooldown {
                    throw StartFailure.cooldown(seconds: Int((cooldown - now.timeIntervalSince(last)).rounded(.up)))
                }
                let account = try await UserStore(database: tx).find(contact)?.requireID()
                let counters = limiter.counters(for: .codeSent, contact: contact, account: account, at: now)
                try await limiter.claim(counters, at: now, on: tx)
                try await challenges.replaceOpenChallenges(with: challenge, at: now)
                return counters
            }
        } catch let reached as BindLimiter.Reached {
            throw StartFailure.limited(reached)
        }
        do {
            try await sender.send(code, to: contact, language: language, lifetime: codeLifetime)
        } catch {
            // Not delivered: leave no challenge behind and give the counts back, so neither the cooldown nor the
            // caps block a retry.
            try? await BindChallengeStore(database: database).delete(challenge)
            try? await limiter.refund(counted, on: database)
            throw error
        }
        return challenge
    }
}
