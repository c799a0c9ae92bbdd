import Fluent
import Foundation
import SQLKit

/// The one way to `follow_login_scenes`: the official-account QR codes of follow-to-sign-in, one row per scene.
///
/// A scene goes `pending` → `scanned` (the `subscribe`/`SCAN` push for it arrived, with the scanner's openid) →
/// `used` (the browser that asked for it signed in). Every step is one conditional `UPDATE … RETURNING`, so a push
/// for an expired or another app's scene marks nothing, and of two polls completing one scene (two tabs, two
/// instances) exactly one gets the row. The scene lives in the database so that any instance may receive the push
/// and any instance may answer the waiting page.
struct FollowLoginSceneStore: Sendable {
    static let table = "follow_login_scenes"

    let database: any Database

    /// Where a scene is.
    enum Status: String, Sendable {
        case pending
        case scanned
        case used
    }

    /// One scene as stored.
    struct Record: Sendable, Equatable {
        var scene: String
        var browserBindingHash: String
        var appID: String
        var ticket: String
        var qrURL: String
        var returnTo: String
        var status: Status
        var openID: String?
        var identityID: UUID?
        var createdAt: Date
        var expiresAt: Date
        var scannedAt: Date?
        var usedAt: Date?
    }

    /// Stores a new pending scene.
    func create(_ record: Record) async throws {
        try await database.sql().raw("""
            INSERT INTO follow_login_scenes (scene, browser_binding_hash, app_id, ticket, qr_url, return_to, status,
                created_at, expires_at)
            VALUES (\(bind: record.scene), \(bind: record.browserBindingHash), \(bind: record.appID),
                \(bind: record.ticket), \(bind: record.qrURL), \(bind: record.returnTo),
                \(bind: Status.pending.rawValue), \(bind: record.createdAt), \(bind: record.expiresAt))
            """).run()
    }

    /// The scene, whatever its state.
    func find(_ scene: String) async throws -> Record? {
        try await database.sql().raw("""
            SELECT \(unsafeRaw: Self.columns) FROM follow_login_scenes WHERE scene = \(bind: scene)
            """).first().map(Self.record)
    }

    /// Marks a pending, unexpired scene of `appID` scanned by `openID`; false when there is none such (unknown,
    /// another app's, already scanned or used, expired). A repeated push changes nothing.
    func markScanned(_ scene: String, appID: String, openID: String, ticket: String?, at now: Date) async throws -> Bool {
        try await database.sql().raw("""
            UPDATE follow_login_scenes SET status = \(bind: Status.scanned.rawValue), openid = \(bind: openID),
                scanned_at = \(bind: now)
            WHERE scene = \(bind: scene) AND app_id = \(bind: appID) AND status = \(bind: Status.pending.rawValue)
              AND expires_at > \(bind: now)
              \(ticket.map { SQLQueryString("AND ticket = \(bind: $0)") } ?? "")
            RETURNING scene
            """).first() != nil
    }

    /// Takes a scanned scene for its sign-in, once: only with the browser binding's hash it holds, and no later than
    /// `completionGrace` after the code expired (a scan in the code's last second still completes a moment later).
    /// Returns the row as it was taken, or `nil` when another poll took it or it is not takeable.
    func use(_ scene: String, bindingHash: String, at now: Date, completionGrace: TimeInterval) async throws -> Record? {
        try await database.sql().raw("""
            UPDATE follow_login_scenes SET status = \(bind: Status.used.rawValue), used_at = \(bind: now)
            WHERE scene = \(bind: scene) AND browser_binding_hash = \(bind: bindingHash)
              AND status = \(bind: Status.scanned.rawValue) AND expires_at > \(bind: now.addingTimeInterval(-completionGrace))
            RETURNING \(unsafeRaw: Self.columns)
            """).first().map(Self.record)
    }

    /// Records which identity a used scene signed in (for the audit of a repeat; same transaction as ``use``).
    func setIdentity(_ scene: String, identityID: UUID) async throws {
        try await database.sql().raw("""
            UPDATE follow_login_scenes SET identity_id = \(bind: identityID) WHERE scene = \(bind: scene)
            """).run()
    }

    /// Deletes scenes that expired before `cutoff`; returns how many.
    static func sweep(expiredBefore cutoff: Date, on database: any Database) async throws -> Int {
        try await database.sql().raw("""
            DELETE FROM follow_login_scenes WHERE expires_at < \(bind: cutoff) RETURNING scene
            """).all().count
    }

    private static let columns = """
        scene, browser_binding_hash, app_id, ticket, qr_url, return_to, status, openid, identity_id, created_at, \
        expires_at, scanned_at, used_at
        """

    private static func record(_ row: any SQLRow) throws -> Record {
        Record(
            scene: try row.decode(column: "scene", as: String.self),
            browserBindingHash: try row.decode(column: "browser_binding_hash", as: String.self),
            appID: try row.decode(column: "app_id", as: String.self),
            ticket: try row.decode(column: "ticket", as: String.self),
            qrURL: try row.decode(column: "qr_url", as: String.self),
            returnTo: try row.decode(column: "return_to", as: String.self),
            status: Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .used,
            openID: try row.decode(column: "openid", as: String?.self),
            identityID: try row.decode(column: "identity_id", as: UUID?.self),
            createdAt: try row.decode(column: "created_at", as: Date.self),
            expiresAt: try row.decode(column: "expires_at", as: Date.self),
            scannedAt: try row.decode(column: "scanned_at", as: Date?.self),
            usedAt: try row.decode(column: "used_at", as: Date?.self))
    }
}
