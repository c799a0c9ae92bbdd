import Crypto
import Fluent
import Foundation
import SQLKit

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
                let sql = try tx.sql()
                guard let identity = try await sql.select().column("user_id").from(WeChatIdentity.schema)
                    .where("id", .equal, identityID).for(.update).first(),
                    try identity.decode(column: "user_id", as: UUID?.self) == nil else {
                    throw StartFailure.alreadyBound
                }
                if let last = try await BindChallenge.query(on: tx)
                    .filter(\.$identity.$id == identityID)
                    .sort(\.$sentAt, .descending)
                    .first(),
                    now.timeIntervalSince(last.sentAt) < cooldown {
                    throw StartFailure.cooldown(seconds: Int((cooldown - now.timeIntervalSince(last.sentAt)).rounded(.up)))
                }
                let account = try await Self.user(with: contact, on: tx)?.requireID()
                let counters = limiter.counters(for: .codeSent, contact: contact, account: account, at: now)
                try await limiter.claim(counters, at: now, on: sql)
                try await BindChallenge.query(on: tx)
                    .filter(\.$identity.$id == identityID)
                    .filter(\.$consumedAt == nil)
                    .set(\.$consumedAt, to: now)
                    .update()
                try await challenge.create(on: tx)
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
            try? await challenge.delete(on: database)
            try? await limiter.refund(counted, on: database.sql())
            throw error
        }
        return challenge
    }

    static func user(with contact: ContactAddress, on database: any Database) async throws -> User? {
        switch contact {
        case .phone(let number): try await User.query(on: database).filter(\.$phone == number).first()
        case .email(let address): try await User.query(on: database).filter(\.$email == address).first()
        }
    }

    static func hasOtherIdentity(_ user: User, sameAppAs identity: WeChatIdentity, on database: any Database)
        async throws -> Bool {
        try await WeChatIdentity.query(on: database)
            .filter(\.$user.$id == user.requireID())
            .filter(\.$appID == identity.appID)
            .filter(\.$openID != identity.openID)
            .count() > 0
    }
}
