import Fluent
import Foundation
import SQLKit

/// The one way to `bind_challenges`: one-time codes sent for binding, their attempts and their use.
///
/// The writes that enforce a limit — claiming an attempt, consuming a challenge — are single conditional
/// `UPDATE … RETURNING` statements, so concurrent requests on any instance cannot both pass; plain reads and the
/// insert are Fluent.
struct BindChallengeStore: Sendable {
    let database: any Database

    /// The challenge with this id, only when it was sent for `identityID` (another's would show where its code went).
    func find(_ id: UUID, forIdentity identityID: UUID, purpose: BindChallenge.Purpose = .bind) async throws
        -> BindChallenge? {
        guard let challenge = try await BindChallenge.find(id, on: database),
              challenge.$identity.id == identityID, challenge.purpose == purpose.rawValue else { return nil }
        return challenge
    }

    /// The challenge with this id, whoever it was sent for.
    func find(_ id: UUID) async throws -> BindChallenge? {
        try await BindChallenge.find(id, on: database)
    }

    /// When the identity's latest code was sent, if it ever got one.
    func lastSent(forIdentity identityID: UUID, purpose: BindChallenge.Purpose = .bind) async throws -> Date? {
        try await BindChallenge.query(on: database)
            .filter(\.$identity.$id == identityID)
            .filter(\.$purpose == purpose.rawValue)
            .sort(\.$sentAt, .descending)
            .first()?.sentAt
    }

    /// Marks the identity's unused challenges used (a new code replaces them) and inserts `challenge`.
    func replaceOpenChallenges(with challenge: BindChallenge, at now: Date) async throws {
        try await BindChallenge.query(on: database)
            .filter(\.$identity.$id == challenge.$identity.id)
            .filter(\.$purpose == challenge.purpose)
            .filter(\.$consumedAt == nil)
            .set(\.$consumedAt, to: now)
            .update()
        try await challenge.create(on: database)
    }

    /// Deletes a challenge whose code could not be delivered.
    func delete(_ challenge: BindChallenge) async throws {
        try await challenge.delete(on: database)
    }

    /// A claimed attempt: the stored code hash, where the code went, and the attempts so far (this one included).
    struct ClaimedAttempt: Sendable {
        var codeHash: String
        var destination: String
        var attempts: Int
    }

    /// Counts one attempt, only while the challenge is `identityID`'s, unused, unexpired and within `maxAttempts`;
    /// `nil` when it has no attempt to give.
    func claimAttempt(_ id: UUID, identityID: UUID, purpose: BindChallenge.Purpose = .bind, maxAttempts: Int,
                      at now: Date) async throws -> ClaimedAttempt? {
        guard let row = try await database.sql().raw("""
            UPDATE bind_challenges SET attempts = attempts + 1
            WHERE id = \(bind: id) AND identity_id = \(bind: identityID) AND purpose = \(bind: purpose.rawValue)
                AND consumed_at IS NULL
                AND attempts < \(bind: maxAttempts) AND expires_at > \(bind: now)
            RETURNING code_hash, destination, attempts
            """).first() else { return nil }
        return ClaimedAttempt(codeHash: try row.decode(column: "code_hash", as: String.self),
                              destination: try row.decode(column: "destination", as: String.self),
                              attempts: try row.decode(column: "attempts", as: Int.self))
    }

    /// Marks a challenge used if nobody did yet, and only while it is unexpired and within its attempts; true when
    /// this call did (of two concurrent submissions of the right code, one binds).
    func consume(_ id: UUID, maxAttempts: Int, at now: Date) async throws -> Bool {
        let rows = try await database.sql().raw("""
            UPDATE bind_challenges SET consumed_at = \(bind: now)
            WHERE id = \(bind: id) AND consumed_at IS NULL AND attempts <= \(bind: maxAttempts)
                AND expires_at > \(bind: now)
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// Deletes challenges that expired before `cutoff`; returns how many.
    func sweep(expiredBefore cutoff: Date) async throws -> Int {
        let count = try await BindChallenge.query(on: database).filter(\.$expiresAt < cutoff).count()
        try await BindChallenge.query(on: database).filter(\.$expiresAt < cutoff).delete()
        return count
    }
}
