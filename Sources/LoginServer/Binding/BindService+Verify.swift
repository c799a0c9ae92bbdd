import Fluent
import Foundation

extension BindService {
    /// Checks a typed code and, when it is right, binds the identity (registering a user when needed).
    ///
    /// An attempt is claimed before anything is compared: one conditional `UPDATE … RETURNING` counts it only while
    /// the challenge is this identity's, unused, unexpired and within its attempts, and one count of every failure
    /// cap is claimed in the same transaction. Only a claimed attempt is compared, so a burst of concurrent guesses
    /// gets `maxAttempts` comparisons at most. A right code gives the failure counts back.
    ///
    /// `returnTo` is where the person goes once bound: when it resumes an OpenID Connect authorization request, the
    /// sign-in's event names that request's client.
    func verify(challengeID: UUID, identityID: UUID, typed: String, returnTo: String? = nil) async throws -> Verification {
        let now = clock.now()
        let claim: Claim
        do {
            guard let claimed = try await claimAttempt(challengeID, identityID: identityID, typed: typed, at: now) else {
                return try await whyNotClaimed(challengeID, identityID: identityID, at: now)
            }
            claim = claimed
        } catch let reached as BindLimiter.Reached {
            return .limited(reached)
        }
        guard claim.matched else {
            return claim.attempts >= maxAttempts ? .tooManyAttempts : .wrongCode(remaining: maxAttempts - claim.attempts)
        }
        try await limiter.refund(claim.failureCounters, on: database)
        return try await bind(identityID: identityID, contact: claim.contact, challengeID: challengeID, returnTo: returnTo)
    }

    /// A claimed attempt: whether the typed code matched, and the failure counts it took.
    private struct Claim: Sendable {
        var matched: Bool
        var contact: ContactAddress
        /// Attempts on the challenge, this one included.
        var attempts: Int
        var failureCounters: [BindLimiter.Counter]
    }

    /// Claims one attempt of the challenge and one count of each failure cap, all or nothing, and compares the
    /// typed code; `nil` when the challenge has no attempt to give. Throws ``BindLimiter/Reached`` (claiming
    /// nothing) when a cap is full. A wrong code that used the challenge's last attempt, or filled a failure cap,
    /// writes `binding.code_limit_reached` in the same transaction (once per challenge, once per cap window).
    private func claimAttempt(_ challengeID: UUID, identityID: UUID, typed: String, at now: Date) async throws -> Claim? {
        let (limiter, maxAttempts, codeKey, actor) = (self.limiter, self.maxAttempts, self.codeKey, self.actor)
        return try await database.writeTransaction { tx in
            guard let claimed = try await BindChallengeStore(database: tx)
                .claimAttempt(challengeID, identityID: identityID, maxAttempts: maxAttempts, at: now),
                let contact = ContactAddress(claimed.destination) else { return nil }
            let account = try await UserStore(database: tx).find(contact)?.requireID()
            let counters = limiter.counters(for: .failedAttempt, contact: contact, account: account, at: now)
            let filled = try await limiter.claim(counters, at: now, on: tx)
            let matched = OneTimeCode(typed: typed)?
                .matches(hash: claimed.codeHash, challengeID: challengeID.uuidString, key: codeKey) ?? false
            if !matched {
                let limits = (claimed.attempts >= maxAttempts ? ["attempts"] : []) + filled
                try await EventLog(database: tx).append(limits.map { limit in
                    Event(.bindingCodeLimitReached, userID: account, actor: actor,
                          payload: EventPayload(identityID: identityID, challengeID: challengeID, limit: limit))
                }, at: now)
            }
            return Claim(matched: matched, contact: contact, attempts: claimed.attempts, failureCounters: counters)
        }
    }

    /// Why no attempt could be claimed; only read to choose the answer, never to decide whether to compare.
    private func whyNotClaimed(_ challengeID: UUID, identityID: UUID, at now: Date) async throws -> Verification {
        guard let challenge = try await BindChallengeStore(database: database).find(challengeID, forIdentity: identityID),
              challenge.consumedAt == nil,
              challenge.contact != nil else { return .unknown }
        if now >= challenge.expiresAt { return .expired }
        return .tooManyAttempts
    }

    func bind(identityID: UUID, contact: ContactAddress, challengeID: UUID, returnTo: String? = nil, retrying: Bool = false)
        async throws -> Verification {
        let now = clock.now()
        let (maxAttempts, actor) = (self.maxAttempts, self.actor)
        do {
            return try await database.writeTransaction { tx in
                let (identities, users) = (IdentityStore(database: tx), UserStore(database: tx))
                // The identity's row first, as `start` takes it: the two never wait for each other's locks in
                // opposite order.
                guard try await identities.lock(identityID).exists,
                      let identity = try await identities.find(identityID) else {
                    return Verification.unknown
                }
                let existing = try await users.find(contact)
                if let existing, try await identities.hasOtherIdentity(
                    ofUser: existing.requireID(), appID: identity.appID, otherThan: identity.openID) {
                    return .conflict
                }
                // Consume first, conditionally: of two concurrent submissions of the right code, one binds.
                guard try await BindChallengeStore(database: tx).consume(challengeID, maxAttempts: maxAttempts, at: now)
                else {
                    return .unknown
                }

                let user = existing ?? User(contact: contact, displayName: identity.nickname)
                if existing == nil { try await users.create(user) }
                let userID = try user.requireID()
                try await identities.link(identity, to: userID)
                // The same person's unbound identities in the other app join too.
                var siblings: [IdentityStore.Linked] = []
                if let unionID = identity.unionID {
                    siblings = try await identities.linkUnionSiblings(unionID: unionID, to: userID, at: now)
                }
                let about = EventPayload(identityID: identityID, appID: identity.appID, openID: identity.openID)
                var events: [Event] = []
                if existing == nil {
                    events.append(Event(.userCreated, userID: userID, actor: actor,
                                        payload: EventPayload(identityID: identityID, appID: identity.appID, via: "binding")))
                }
                var bound = about
                (bound.unionID, bound.via) = (identity.unionID, "binding")
                events.append(Event(.identityBound, userID: userID, actor: actor, payload: bound))
                for sibling in siblings {
                    events.append(Event(.identityBound, userID: userID, actor: actor, payload: EventPayload(
                        identityID: sibling.id, appID: sibling.appID, openID: sibling.openID, unionID: identity.unionID,
                        via: "unionid")))
                }
                var signedIn = about
                signedIn.via = "binding"
                if let request = returnTo.flatMap(AuthorizationRequestStore.requestID(resumedBy:)) {
                    signedIn.clientID = try await AuthorizationRequestStore(database: tx).clientID(ofRequest: request)
                }
                events.append(Event(.signInSucceeded, userID: userID, actor: actor, payload: signedIn))
                try await EventLog(database: tx).append(events, at: now)
                return .bound(userID: userID, created: existing == nil)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Someone registered the same address at the same moment: bind to that account instead. A second
            // refusal is the one-identity-per-app index: another identity of this app was linked to the account
            // in between.
            if retrying { return .conflict }
            return try await bind(identityID: identityID, contact: contact, challengeID: challengeID, returnTo: returnTo,
                                  retrying: true)
        }
    }
}
