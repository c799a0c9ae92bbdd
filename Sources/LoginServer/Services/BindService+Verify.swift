import Fluent
import Foundation
import SQLKit

extension BindService {
    /// Checks a typed code and, when it is right, binds the identity (registering a user when needed).
    ///
    /// An attempt is claimed before anything is compared: one conditional `UPDATE … RETURNING` counts it only while
    /// the challenge is this identity's, unused, unexpired and within its attempts, and one count of every failure
    /// cap is claimed in the same transaction. Only a claimed attempt is compared, so a burst of concurrent guesses
    /// gets `maxAttempts` comparisons at most. A right code gives the failure counts back.
    func verify(challengeID: UUID, identityID: UUID, typed: String) async throws -> Verification {
        let now = clock.now()
        let claim: Claim
        do {
            guard let claimed = try await claimAttempt(challengeID, identityID: identityID, at: now) else {
                return try await whyNotClaimed(challengeID, identityID: identityID, at: now)
            }
            claim = claimed
        } catch let reached as BindLimiter.Reached {
            return .limited(reached)
        }
        guard let code = OneTimeCode(typed: typed),
              code.matches(hash: claim.codeHash, challengeID: challengeID.uuidString, key: codeKey) else {
            return claim.attempts >= maxAttempts ? .tooManyAttempts : .wrongCode(remaining: maxAttempts - claim.attempts)
        }
        try await limiter.refund(claim.failureCounters, on: database.sql())
        return try await bind(identityID: identityID, contact: claim.contact, challengeID: challengeID)
    }

    /// A claimed attempt: what to compare the typed code with, and the failure counts it took.
    private struct Claim: Sendable {
        var codeHash: String
        var contact: ContactAddress
        /// Attempts on the challenge, this one included.
        var attempts: Int
        var failureCounters: [BindLimiter.Counter]
    }

    /// Claims one attempt of the challenge and one count of each failure cap, all or nothing; `nil` when the
    /// challenge has no attempt to give. Throws ``BindLimiter/Reached`` (claiming nothing) when a cap is full.
    private func claimAttempt(_ challengeID: UUID, identityID: UUID, at now: Date) async throws -> Claim? {
        let (limiter, maxAttempts) = (self.limiter, self.maxAttempts)
        return try await database.writeTransaction { tx in
            let sql = try tx.sql()
            guard let row = try await sql.raw("""
                UPDATE bind_challenges SET attempts = attempts + 1
                WHERE id = \(bind: challengeID) AND identity_id = \(bind: identityID) AND consumed_at IS NULL
                    AND attempts < \(bind: maxAttempts) AND expires_at > \(bind: now)
                RETURNING code_hash, destination, attempts
                """).first(),
                let contact = ContactAddress(try row.decode(column: "destination", as: String.self)) else { return nil }
            let account = try await Self.user(with: contact, on: tx)?.requireID()
            let counters = limiter.counters(for: .failedAttempt, contact: contact, account: account, at: now)
            try await limiter.claim(counters, at: now, on: sql)
            return Claim(codeHash: try row.decode(column: "code_hash", as: String.self), contact: contact,
                         attempts: try row.decode(column: "attempts", as: Int.self), failureCounters: counters)
        }
    }

    /// Why no attempt could be claimed; only read to choose the answer, never to decide whether to compare.
    private func whyNotClaimed(_ challengeID: UUID, identityID: UUID, at now: Date) async throws -> Verification {
        guard let challenge = try await BindChallenge.find(challengeID, on: database),
              challenge.$identity.id == identityID, challenge.consumedAt == nil,
              challenge.contact != nil else { return .unknown }
        if now >= challenge.expiresAt { return .expired }
        return .tooManyAttempts
    }

    func bind(identityID: UUID, contact: ContactAddress, challengeID: UUID, retrying: Bool = false)
        async throws -> Verification {
        let now = clock.now()
        let maxAttempts = self.maxAttempts
        do {
            return try await database.writeTransaction { tx in
                let sql = try tx.sql()
                // The identity's row first, as `start` takes it: the two never wait for each other's locks in
                // opposite order.
                guard try await sql.select().column("id").from(WeChatIdentity.schema)
                    .where("id", .equal, identityID).for(.update).first() != nil,
                    let identity = try await WeChatIdentity.find(identityID, on: tx) else {
                    return Verification.unknown
                }
                let existing = try await Self.user(with: contact, on: tx)
                if let existing, try await Self.hasOtherIdentity(existing, sameAppAs: identity, on: tx) {
                    return .conflict
                }
                // Consume first, conditionally: of two concurrent submissions of the right code, one binds.
                guard try await Self.consume(challengeID, maxAttempts: maxAttempts, at: now, on: sql) else {
                    return .unknown
                }

                let user = existing ?? User(contact: contact, displayName: identity.nickname)
                if existing == nil { try await user.create(on: tx) }
                let userID = try user.requireID()
                identity.$user.id = userID
                try await identity.save(on: tx)
                if let unionID = identity.unionID {
                    // The same person's unbound identities in the other app join too, unless the account already
                    // has an identity of that app (one per app: the unique index would refuse it).
                    try await sql.raw("""
                        UPDATE wechat_identities SET user_id = \(bind: userID), updated_at = \(bind: now)
                        WHERE unionid = \(bind: unionID) AND user_id IS NULL
                            AND app_id NOT IN (SELECT app_id FROM wechat_identities WHERE user_id = \(bind: userID))
                        """).run()
                }
                return .bound(userID: userID, created: existing == nil)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Someone registered the same address at the same moment: bind to that account instead. A second
            // refusal is the one-identity-per-app index: another identity of this app was linked to the account
            // in between.
            if retrying { return .conflict }
            return try await bind(identityID: identityID, contact: contact, challengeID: challengeID, retrying: true)
        }
    }

    /// Marks a challenge used if nobody did yet, and only while it is unexpired and within its attempts; true when
    /// this call did.
    private static func consume(_ challengeID: UUID, maxAttempts: Int, at now: Date, on sql: any SQLDatabase)
        async throws -> Bool {
        let rows = try await sql.raw("""
            UPDATE bind_challenges SET consumed_at = \(bind: now)
            WHERE id = \(bind: challengeID) AND consumed_at IS NULL AND attempts <= \(bind: maxAttempts)
                AND expires_at > \(bind: now)
            RETURNING id
            """).all()
        return !rows.isEmpty
    }
}
