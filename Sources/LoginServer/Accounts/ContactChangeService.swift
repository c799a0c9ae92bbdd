import Fluent
import Foundation

/// A signed-in person changes their phone or email (or adds the one they lack): a one-time code to the new address,
/// then the change and a notice to the old address.
///
/// It is binding's machinery with another purpose: the challenge is a `bind_challenges` row (purpose
/// `contact_change`) on the person's oldest identity, whose row lock serialises the cooldown check; sending and
/// wrong codes count toward the same ``BindLimiter`` caps (the new address's, and the changing account's); an
/// attempt is claimed with the same conditional `UPDATE … RETURNING` before anything is compared. The change itself
/// is one transaction that consumes the challenge, sets the column and writes `contact.changed`; the unique index on
/// the column decides between two people claiming one address at once.
struct ContactChangeService: Sendable {
    let binding: BindService

    /// Why a code was not sent.
    enum StartFailure: Error, Equatable {
        case cooldown(seconds: Int)
        case limited(BindLimiter.Reached)
        /// Another account has this address.
        case taken
        /// It is already this account's address.
        case unchanged
        /// The account has no WeChat identity to hang the challenge on (it cannot have signed in).
        case noIdentity
    }

    /// What checking a typed code came to.
    enum Verification: Equatable {
        /// Changed; `previous` is the address the notice went to (nil when the field was empty, or when the notice
        /// could not be delivered: the change stands).
        case changed(ContactAddress, previous: ContactAddress?)
        case wrongCode(remaining: Int)
        case tooManyAttempts
        case expired
        /// No such open challenge of this person's.
        case unknown
        /// Another account took the address in the meantime.
        case taken
        case limited(BindLimiter.Reached)
    }

    private var database: any Database { binding.database }

    /// The identity a person's contact-change challenges hang off: their oldest.
    private func anchor(of userID: UUID, on database: any Database) async throws -> UUID? {
        try await IdentityStore(database: database).identities(ofUser: userID).first?.requireID()
    }

    private static func current(_ user: User, like contact: ContactAddress) -> ContactAddress? {
        switch contact {
        case .phone: user.phone.flatMap(ContactAddress.init)
        case .email: user.email.flatMap(ContactAddress.init)
        }
    }

    /// Seconds until another code may be sent to change this person's contact (0: now).
    func resendWait(userID: UUID) async throws -> Int {
        guard let identityID = try await anchor(of: userID, on: database),
              let last = try await BindChallengeStore(database: database)
                .lastSent(forIdentity: identityID, purpose: .contactChange) else { return 0 }
        let wait = binding.resendCooldown - binding.clock.now().timeIntervalSince(last) - 0.001
        return max(0, Int(wait.rounded(.up)))
    }

    /// Sends a code to `contact`, the address `user` wants instead of their phone or email (by its kind).
    func start(user: User, contact: ContactAddress, language: Language) async throws -> BindChallenge {
        let userID = try user.requireID()
        if Self.current(user, like: contact) == contact { throw StartFailure.unchanged }
        let now = binding.clock.now()
        let code = OneTimeCode.random()
        let challengeID = UUID()
        let (limiter, cooldown, codeKey, lifetime) = (binding.limiter, binding.resendCooldown, binding.codeKey,
                                                     binding.codeLifetime)
        let challenge: BindChallenge
        let counted: [BindLimiter.Counter]
        do {
            (challenge, counted) = try await database.writeTransaction { tx in
                guard let identityID = try await anchor(of: userID, on: tx) else { throw StartFailure.noIdentity }
                guard try await IdentityStore(database: tx).lock(identityID).userID == userID else {
                    throw StartFailure.noIdentity
                }
                if let owner = try await UserStore(database: tx).find(contact) {
                    throw try owner.requireID() == userID ? StartFailure.unchanged : StartFailure.taken
                }
                let challenges = BindChallengeStore(database: tx)
                if let last = try await challenges.lastSent(forIdentity: identityID, purpose: .contactChange),
                   now.timeIntervalSince(last) < cooldown {
                    // As `resendWait`: a stored time comes back with the database's precision.
                    throw StartFailure.cooldown(
                        seconds: max(1, Int((cooldown - now.timeIntervalSince(last) - 0.001).rounded(.up))))
                }
                let counters = limiter.counters(for: .codeSent, contact: contact, account: userID, at: now)
                try await limiter.claim(counters, at: now, on: tx)
                let challenge = BindChallenge(
                    id: challengeID, identityID: identityID, contact: contact,
                    codeHash: code.hash(challengeID: challengeID.uuidString, key: codeKey),
                    sentAt: now, expiresAt: now.addingTimeInterval(lifetime), purpose: .contactChange)
                try await challenges.replaceOpenChallenges(with: challenge, at: now)
                return (challenge, counters)
            }
        } catch let reached as BindLimiter.Reached {
            throw StartFailure.limited(reached)
        }
        do {
            try await binding.sender.send(code, to: contact, language: language, lifetime: lifetime)
        } catch {
            try? await BindChallengeStore(database: database).delete(challenge)
            try? await limiter.refund(counted, on: database)
            throw error
        }
        return challenge
    }

    /// The person's open contact-change challenge with this id, or nil (someone else's is nil too).
    func challenge(_ id: UUID, of userID: UUID) async throws -> BindChallenge? {
        guard let challenge = try await BindChallengeStore(database: database).find(id),
              challenge.purpose == BindChallenge.Purpose.contactChange.rawValue,
              try await IdentityStore(database: database).find(challenge.$identity.id, ofUser: userID) != nil
        else { return nil }
        return challenge
    }

    /// Checks a typed code and, when it is right, changes the address and sends the notice to the old one.
    func verify(user: User, challengeID: UUID, typed: String, language: Language) async throws -> Verification {
        let userID = try user.requireID()
        guard let found = try await challenge(challengeID, of: userID) else { return .unknown }
        let identityID = found.$identity.id
        let now = binding.clock.now()
        let (limiter, maxAttempts, codeKey, actor) = (binding.limiter, binding.maxAttempts, binding.codeKey,
                                                      binding.actor)
        let claimed: (matched: Bool, contact: ContactAddress, attempts: Int, counters: [BindLimiter.Counter])?
        do {
            claimed = try await database.writeTransaction { tx in
                guard let row = try await BindChallengeStore(database: tx).claimAttempt(
                    challengeID, identityID: identityID, purpose: .contactChange, maxAttempts: maxAttempts, at: now),
                      let contact = ContactAddress(row.destination) else { return nil }
                let counters = limiter.counters(for: .failedAttempt, contact: contact, account: userID, at: now)
                let filled = try await limiter.claim(counters, at: now, on: tx)
                let matched = OneTimeCode(typed: typed)?
                    .matches(hash: row.codeHash, challengeID: challengeID.uuidString, key: codeKey) ?? false
                if !matched {
                    let limits = (row.attempts >= maxAttempts ? ["attempts"] : []) + filled
                    try await EventLog(database: tx).append(limits.map { limit in
                        Event(.bindingCodeLimitReached, userID: userID, actor: actor,
                              payload: EventPayload(identityID: identityID, challengeID: challengeID, limit: limit))
                    }, at: now)
                }
                return (matched, contact, row.attempts, counters)
            }
        } catch let reached as BindLimiter.Reached {
            return .limited(reached)
        }
        guard let claimed else {
            guard found.consumedAt == nil else { return .unknown }
            return now >= found.expiresAt ? .expired : .tooManyAttempts
        }
        guard claimed.matched else {
            return claimed.attempts >= maxAttempts ? .tooManyAttempts : .wrongCode(remaining: maxAttempts - claimed.attempts)
        }
        try await limiter.refund(claimed.counters, on: database)
        let contact = claimed.contact
        let field = if case .phone = contact { "phone" } else { "email" }
        /// nil: the challenge was used meanwhile; `.some(old)`: changed, and the old address (if any).
        let outcome: ContactAddress??
        do {
            outcome = try await database.writeTransaction { tx -> ContactAddress?? in
                let users = UserStore(database: tx)
                guard try await users.lock(userID), let fresh = try await users.find(userID),
                      try await BindChallengeStore(database: tx).consume(challengeID, maxAttempts: maxAttempts, at: now),
                      try await users.setContact(contact, ofUser: userID)
                else { return ContactAddress??.none }
                try await EventLog(database: tx).append([Event(
                    .contactChanged, userID: userID, actor: actor,
                    payload: EventPayload(challengeID: challengeID, field: field))], at: now)
                return ContactAddress??.some(Self.current(fresh, like: contact))
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another account took the address between the code and now: the unique index refused it, and the
            // transaction (the challenge's use included) rolled back.
            return .taken
        }
        guard case .some(let previous) = outcome else { return .unknown }
        if let previous, previous != contact {
            let notice = language.pick(
                "你的账号的\(field == "phone" ? "手机号" : "邮箱")已更改。如果不是你本人操作，请立即联系我们。",
                "The \(field == "phone" ? "mobile number" : "email address") of your account was changed. If this was not you, contact us at once.")
            do {
                try await binding.sender.sendNotice(notice, to: previous, language: language)
            } catch {
                // The change is done; a notice that could not go out is logged by the caller's outcome, not undone.
                return .changed(contact, previous: nil)
            }
        }
        return .changed(contact, previous: previous)
    }
}
