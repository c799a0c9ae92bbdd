import Crypto
import Fluent
import Foundation
import SQLKit

/// Binding a WeChat identity to a business user by a one-time code sent to their phone or email.
struct BindService: Sendable {
    let database: any Database
    let clock: any ServerClock
    let codeKey: SymmetricKey
    let sender: any CodeSender
    var codeLifetime: TimeInterval
    var maxAttempts: Int
    var resendCooldown: TimeInterval

    /// Why a code could not be sent.
    enum StartFailure: Error, Equatable {
        /// A code went out less than the cooldown ago; try again after this many seconds.
        case cooldown(seconds: Int)
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
    }

    /// Sends a new code to `contact` for `identityID`, replacing any earlier unused code.
    func start(identityID: UUID, contact: ContactAddress, language: Language) async throws -> BindChallenge {
        let now = clock.now()
        guard let identity = try await WeChatIdentity.find(identityID, on: database) else { throw StartFailure.alreadyBound }
        guard identity.$user.id == nil else { throw StartFailure.alreadyBound }
        if let last = try await BindChallenge.query(on: database)
            .filter(\.$identity.$id == identityID)
            .sort(\.$sentAt, .descending)
            .first(),
            now.timeIntervalSince(last.sentAt) < resendCooldown {
            throw StartFailure.cooldown(seconds: Int((resendCooldown - now.timeIntervalSince(last.sentAt)).rounded(.up)))
        }
        let code = OneTimeCode.random()
        let challengeID = UUID()
        let challenge = BindChallenge(
            id: challengeID, identityID: identityID, contact: contact,
            codeHash: code.hash(challengeID: challengeID.uuidString, key: codeKey),
            sentAt: now, expiresAt: now.addingTimeInterval(codeLifetime))
        try await database.writeTransaction { tx in
            try await BindChallenge.query(on: tx)
                .filter(\.$identity.$id == identityID)
                .filter(\.$consumedAt == nil)
                .set(\.$consumedAt, to: now)
                .update()
            try await challenge.create(on: tx)
        }
        do {
            try await sender.send(code, to: contact, language: language, lifetime: codeLifetime)
        } catch {
            // Not delivered: leave no challenge behind, so the cooldown does not block a retry.
            try? await challenge.delete(on: database)
            throw error
        }
        return challenge
    }

    /// Checks a typed code and, when it is right, binds the identity (registering a user when needed).
    func verify(challengeID: UUID, identityID: UUID, typed: String) async throws -> Verification {
        guard let challenge = try await BindChallenge.find(challengeID, on: database),
              challenge.$identity.id == identityID, challenge.consumedAt == nil,
              let contact = challenge.contact else { return .unknown }
        if clock.now() >= challenge.expiresAt { return .expired }
        if challenge.attempts >= maxAttempts { return .tooManyAttempts }

        guard let code = OneTimeCode(typed: typed),
              code.matches(hash: challenge.codeHash, challengeID: challengeID.uuidString, key: codeKey) else {
            let attempts = try await countFailedAttempt(challengeID)
            return attempts >= maxAttempts ? .tooManyAttempts : .wrongCode(remaining: maxAttempts - attempts)
        }
        return try await bind(identityID: identityID, contact: contact, challengeID: challengeID)
    }

    private func countFailedAttempt(_ challengeID: UUID) async throws -> Int {
        if let sql = database as? any SQLDatabase {
            try await sql.update(BindChallenge.schema)
                .set(SQLIdentifier("attempts"), to: SQLRaw("attempts + 1"))
                .where(SQLIdentifier("id"), .equal, SQLBind(challengeID))
                .run()
        }
        return try await BindChallenge.find(challengeID, on: database)?.attempts ?? maxAttempts
    }

    private func bind(identityID: UUID, contact: ContactAddress, challengeID: UUID, retrying: Bool = false)
        async throws -> Verification {
        let now = clock.now()
        do {
            return try await database.writeTransaction { tx in
                guard let identity = try await WeChatIdentity.find(identityID, on: tx) else {
                    return Verification.unknown
                }
                let existing = try await Self.user(with: contact, on: tx)
                if let existing, try await Self.hasOtherIdentity(existing, sameAppAs: identity, on: tx) {
                    return .conflict
                }
                // Consume first, conditionally: of two concurrent submissions of the right code, one binds.
                guard try await Self.consume(challengeID, at: now, on: tx) else { return .unknown }

                let user = existing ?? User(contact: contact, displayName: identity.nickname)
                if existing == nil { try await user.create(on: tx) }
                let userID = try user.requireID()
                identity.$user.id = userID
                try await identity.save(on: tx)
                if let unionID = identity.unionID {
                    // The same person's unbound identities in the other app join too.
                    try await WeChatIdentity.query(on: tx)
                        .filter(\.$unionID == unionID)
                        .filter(\.$user.$id == nil)
                        .set(\.$user.$id, to: userID)
                        .update()
                }
                return .bound(userID: userID, created: existing == nil)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure && !retrying {
            // Someone registered the same address at the same moment: bind to that account instead.
            return try await bind(identityID: identityID, contact: contact, challengeID: challengeID, retrying: true)
        }
    }

    /// Marks a challenge used if nobody did yet; true when this call did.
    private static func consume(_ challengeID: UUID, at now: Date, on database: any Database) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { return false }
        let rows = try await sql.update(BindChallenge.schema)
            .set("consumed_at", to: now)
            .where("id", .equal, challengeID)
            .where("consumed_at", .is, SQLLiteral.null)
            .returning("id")
            .all()
        return !rows.isEmpty
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
