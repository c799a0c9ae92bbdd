import Fluent
import Foundation
import SQLKit

/// The one way to `wechat_identities`: every read and write of an identity row, and the only place its columns are
/// named (with the `WeChatIdentity` model and its migrations).
///
/// The login and push paths (``upsert(_:)``, ``setFollowing(_:appID:openID:at:)``) are SQL text: they run on every
/// login and every follow, where model reflection cost a third of a login's CPU. The rest is Fluent, which stays
/// short for one-row reads and saves.
struct IdentityStore: Sendable {
    let database: any Database

    // MARK: The login path

    /// Everything one successful callback learned about an identity, with its tokens already sealed
    /// (``IdentityRecorder`` seals them).
    struct Upsert: Sendable {
        var appID: String
        var openID: String
        var unionID: String?
        var appKind: AppKind
        /// `nil` keeps the nickname on file (an empty one in the profile is passed as `nil`).
        var nickname: String?
        /// `nil` keeps the avatar on file.
        var avatarURL: String?
        /// Granted scopes, sorted and comma-separated.
        var scopes: String
        var isSnapshotUser: Bool
        var accessTokenSealed: String
        var accessTokenExpiresAt: Date
        var refreshTokenSealed: String
        var refreshTokenExpiresAt: Date
        var now: Date
    }

    /// The identity the upsert wrote: its id and its business user (`nil` while it still needs binding).
    struct Upserted: Sendable, Equatable {
        var id: UUID
        var userID: UUID?
        /// Whether this upsert linked the identity to a user (the unionid sibling's): it had none before.
        var joined: Bool
        var unionID: String?
    }

    /// Inserts or updates the identity `(appid, openid)` in one `INSERT … ON CONFLICT (app_id, openid) DO UPDATE …
    /// RETURNING`, joining a new one to the user of another identity with the same unionid: two browsers signing
    /// the same new person in at once cannot both insert, and no model is read or reflected over on a login.
    ///
    /// The unionid sibling's user is looked up in the same statement, skipping a user that already has an identity
    /// of this app (one per app, by a unique index); an identity that already has a user keeps it. Should the
    /// sibling's user get an identity of this app between the lookup and the write, the identity is recorded
    /// without the join (it goes to binding) rather than failing the login.
    ///
    /// Runs inside the sign-in's write transaction: the identity's row is read (and locked, on PostgreSQL) first, so
    /// `joined` says whether this upsert, and no other, linked it. On PostgreSQL a failed statement would end the
    /// transaction, so the joining attempt runs under a savepoint (only when there is a unionid to join by).
    func upsert(_ identity: Upsert) async throws -> Upserted {
        try await upsertJoining(appID: identity.appID, openID: identity.openID, unionID: identity.unionID) { id, joining in
            try await upsert(identity, id: id, joining: joining)
        }
    }

    /// The frame both identity upserts share (``upsert(_:)``, ``upsertFollower(_:)``): the row is read and locked
    /// first, `statement` runs joining (under a savepoint on PostgreSQL when there is a unionid), and once more
    /// without the join should the sibling's user have got an identity of this app meanwhile; `joined` says whether
    /// this upsert, and no other, linked the identity to a user.
    func upsertJoining(
        appID: String, openID: String, unionID: String?,
        statement: (_ id: UUID, _ joining: Bool) async throws -> [any SQLRow]
    ) async throws -> Upserted {
        let sql = try database.sql()
        let before = try await sql.select().column("user_id").from(WeChatIdentity.schema)
            .where("app_id", .equal, appID).where("openid", .equal, openID).for(.update).first()
        let userBefore = try before?.decode(column: "user_id", as: UUID?.self)
        let newID = UUID()
        var rows: [any SQLRow]
        let savepoint = unionID != nil && sql.dialect.name != "sqlite"
        do {
            if savepoint { try await sql.raw("SAVEPOINT identity_upsert").run() }
            rows = try await statement(newID, true)
            if savepoint { try await sql.raw("RELEASE SAVEPOINT identity_upsert").run() }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            if savepoint { try await sql.raw("ROLLBACK TO SAVEPOINT identity_upsert").run() }
            rows = try await statement(newID, false)
        }
        guard let row = rows.first else { throw UpsertFailure() }
        let id = try row.decode(column: "id", as: UUID.self)
        let userID = try row.decode(column: "user_id", as: UUID?.self)
        // Absent before and inserted now (our id), or present and unbound before: a user now means this upsert joined.
        let joined = userID != nil && (before == nil ? id == newID : userBefore == nil)
        return Upserted(id: id, userID: userID, joined: joined, unionID: try row.decode(column: "unionid", as: String?.self))
    }

    /// The user of another identity with `unionID`, skipping a user that already has an identity of `appID` (one per
    /// app, by a unique index): the join both upserts write in their one statement.
    static func siblingUser(unionID: String?, appID: String) -> SQLQueryString {
        """
        (SELECT sibling.user_id FROM wechat_identities sibling
         WHERE sibling.unionid = \(bind: unionID) AND sibling.user_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM wechat_identities same
                            WHERE same.user_id = sibling.user_id AND same.app_id = \(bind: appID))
         LIMIT 1)
        """
    }

    private func upsert(_ identity: Upsert, id: UUID, joining: Bool) async throws -> [any SQLRow] {
        let siblingUser = Self.siblingUser(unionID: identity.unionID, appID: identity.appID)
        let now = identity.now
        return try await database.sql().raw("""
            INSERT INTO wechat_identities (id, app_id, openid, unionid, app_kind, user_id, nickname, avatar_url,
                scopes, is_snapshot_user, access_token_sealed, access_token_expires_at, refresh_token_sealed,
                refresh_token_expires_at, needs_reauthorization, last_login_at, created_at, updated_at)
            VALUES (\(bind: id), \(bind: identity.appID), \(bind: identity.openID), \(bind: identity.unionID),
                \(bind: identity.appKind.rawValue),
                \(joining ? siblingUser : "NULL"),
                \(bind: identity.nickname), \(bind: identity.avatarURL), \(bind: identity.scopes),
                \(bind: identity.isSnapshotUser), \(bind: identity.accessTokenSealed),
                \(bind: identity.accessTokenExpiresAt), \(bind: identity.refreshTokenSealed),
                \(bind: identity.refreshTokenExpiresAt), \(bind: false), \(bind: now), \(bind: now), \(bind: now))
            ON CONFLICT (app_id, openid) DO UPDATE SET
                unionid = COALESCE(excluded.unionid, wechat_identities.unionid),
                user_id = COALESCE(wechat_identities.user_id, excluded.user_id),
                nickname = COALESCE(excluded.nickname, wechat_identities.nickname),
                avatar_url = COALESCE(excluded.avatar_url, wechat_identities.avatar_url),
                scopes = excluded.scopes, is_snapshot_user = excluded.is_snapshot_user,
                access_token_sealed = excluded.access_token_sealed,
                access_token_expires_at = excluded.access_token_expires_at,
                refresh_token_sealed = excluded.refresh_token_sealed,
                refresh_token_expires_at = excluded.refresh_token_expires_at,
                needs_reauthorization = excluded.needs_reauthorization,
                last_login_at = excluded.last_login_at, updated_at = excluded.updated_at
            RETURNING id, user_id, unionid
            """).all()
    }

    /// The database answered the identity's upsert with nothing (it always returns the row it wrote).
    struct UpsertFailure: Error, CustomStringConvertible {
        var description: String { "recording the identity failed: the identity upsert returned no row" }
    }

    // MARK: Tokens

    /// Writes a user token's sealed secrets and their expiries (after ``IdentityRecorder/seal(_:into:newGrant:)``
    /// filled them in), and the nickname and avatar a profile refresh read; clears `needs_reauthorization` only when
    /// the model says so.
    func saveTokensAndProfile(_ identity: WeChatIdentity) async throws {
        try await identity.save(on: database)
    }

    /// Marks the identity as needing a new authorization and drops its sealed tokens: its refresh token died.
    func markNeedsReauthorization(_ identity: WeChatIdentity) async throws {
        identity.needsReauthorization = true
        identity.accessTokenSealed = nil
        identity.refreshTokenSealed = nil
        try await identity.save(on: database)
    }

    // MARK: Reading

    /// The identity with this id.
    func find(_ id: UUID) async throws -> WeChatIdentity? {
        try await WeChatIdentity.find(id, on: database)
    }

    /// The identity with this id, only when it belongs to `userID`.
    func find(_ id: UUID, ofUser userID: UUID) async throws -> WeChatIdentity? {
        guard let identity = try await find(id), identity.$user.id == userID else { return nil }
        return identity
    }

    /// The user's identities, oldest first.
    func identities(ofUser userID: UUID) async throws -> [WeChatIdentity] {
        try await WeChatIdentity.query(on: database)
            .filter(\.$user.$id == userID)
            .sort(\.$createdAt, .ascending)
            .all()
    }

    /// The identity with this openid (under `appID` when given: openids of two apps could collide).
    func find(openID: String, appID: String?) async throws -> WeChatIdentity? {
        var query = WeChatIdentity.query(on: database).filter(\.$openID == openID)
        if let appID { query = query.filter(\.$appID == appID) }
        return try await query.first()
    }

    /// The identities of `appID` among `openIDs`, each with its business user (`nil` while unbound): one lookup on
    /// the `(app_id, openid)` unique index.
    func users(ofOpenIDs openIDs: [String], appID: String) async throws -> [String: UUID?] {
        guard !openIDs.isEmpty else { return [:] }
        let rows = try await database.sql().select().column("openid").column("user_id").from(WeChatIdentity.schema)
            .where("app_id", .equal, appID).where("openid", .in, openIDs).all()
        var found: [String: UUID?] = [:]
        for row in rows {
            found[try row.decode(column: "openid", as: String.self)] = try row.decode(column: "user_id", as: UUID?.self)
        }
        return found
    }

    /// For each of `userIDs` with an identity of `appID`, its openid: one lookup on an index that starts with
    /// `user_id`. The statement names only the users (a user has at most one identity per app, so a few rows each)
    /// and the app is picked here: with the app in the statement, a planner without statistics may walk the app's
    /// whole `(app_id, openid)` key instead.
    func openIDs(ofUsers userIDs: [UUID], appID: String) async throws -> [UUID: String] {
        guard !userIDs.isEmpty else { return [:] }
        let rows = try await database.sql().select().column("user_id").column("app_id").column("openid")
            .from(WeChatIdentity.schema).where("user_id", .in, userIDs).all()
        var found: [UUID: String] = [:]
        for row in rows where try row.decode(column: "app_id", as: String.self) == appID {
            found[try row.decode(column: "user_id", as: UUID.self)] = try row.decode(column: "openid", as: String.self)
        }
        return found
    }

    /// Whether `userID` has an identity of `appID` other than `openID`'s (a user has one per app).
    func hasOtherIdentity(ofUser userID: UUID, appID: String, otherThan openID: String) async throws -> Bool {
        try await WeChatIdentity.query(on: database)
            .filter(\.$user.$id == userID)
            .filter(\.$appID == appID)
            .filter(\.$openID != openID)
            .count() > 0
    }

    // MARK: Binding (inside the caller's write transaction)

    /// Locks the identity's row until the transaction ends (PostgreSQL; SQLite's write transactions are
    /// `IMMEDIATE`) and returns its user, or `nil` when there is no such identity.
    func lock(_ id: UUID) async throws -> (exists: Bool, userID: UUID?) {
        guard let row = try await database.sql().select().column("user_id").from(WeChatIdentity.schema)
            .where("id", .equal, id).for(.update).first() else { return (false, nil) }
        return (true, try row.decode(column: "user_id", as: UUID?.self))
    }

    /// Links the identity to `userID`.
    func link(_ identity: WeChatIdentity, to userID: UUID) async throws {
        identity.$user.id = userID
        try await identity.save(on: database)
    }

    /// An identity a statement linked.
    struct Linked: Sendable, Equatable {
        var id: UUID
        var appID: String
        var openID: String
    }

    /// Links the same person's unbound identities in other apps (same unionid) to `userID`, unless the account
    /// already has an identity of that app (one per app: the unique index would refuse it); returns those it linked.
    func linkUnionSiblings(unionID: String, to userID: UUID, at now: Date) async throws -> [Linked] {
        try await database.sql().raw("""
            UPDATE wechat_identities SET user_id = \(bind: userID), updated_at = \(bind: now)
            WHERE unionid = \(bind: unionID) AND user_id IS NULL
                AND app_id NOT IN (SELECT app_id FROM wechat_identities WHERE user_id = \(bind: userID))
            RETURNING id, app_id, openid
            """).all().map {
            Linked(id: try $0.decode(column: "id", as: UUID.self), appID: try $0.decode(column: "app_id", as: String.self),
                   openID: try $0.decode(column: "openid", as: String.self))
        }
    }

    /// Unlinks the identity from its user and drops its tokens; the row stays (its openid may come back).
    func unlink(_ identity: WeChatIdentity) async throws {
        identity.$user.id = nil
        identity.accessTokenSealed = nil
        identity.refreshTokenSealed = nil
        try await identity.save(on: database)
    }

    // MARK: Pushes

    /// Records a follow or unfollow of the official account (part of the push's transaction); returns the
    /// identity's user, when the openid has an identity bound to one.
    @discardableResult
    func setFollowing(_ following: Bool, appID: String, openID: String, at now: Date) async throws -> UUID? {
        try await database.sql().raw("""
            UPDATE wechat_identities SET following = \(bind: following), updated_at = \(bind: now)
            WHERE app_id = \(bind: appID) AND openid = \(bind: openID)
            RETURNING user_id
            """).first()?.decode(column: "user_id", as: UUID?.self) ?? nil
    }

    // MARK: Re-sealing

    /// Where identities keep their sealed access tokens, for ``TokenResealer``.
    static let sealedAccessTokens = TokenResealer.Column(
        table: WeChatIdentity.schema, id: "id", column: "access_token_sealed", contextColumns: ["app_id", "openid"],
        context: { IdentityRecorder.context(appID: $0[0], openID: $0[1], "access") })
    /// Where identities keep their sealed refresh tokens, for ``TokenResealer``.
    static let sealedRefreshTokens = TokenResealer.Column(
        table: WeChatIdentity.schema, id: "id", column: "refresh_token_sealed", contextColumns: ["app_id", "openid"],
        context: { IdentityRecorder.context(appID: $0[0], openID: $0[1], "refresh") })
}
