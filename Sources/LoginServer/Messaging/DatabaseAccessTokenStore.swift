import Crypto
import Fluent
import Foundation
import Logging
import SQLKit
import WeChatKit

/// WeChatKit's `AccessTokenStore` on the server's database, so every instance shares one token and one refresh
/// lease: a fetch happens only under the lease, and an invalidation only replaces the token that failed.
///
/// The token is sealed at rest; a SHA-256 beside it serves the compare-and-swap. Each save is a fetch, counted
/// against WeChat's daily quota (Beijing days), with a warning as the count nears the limit.
struct DatabaseAccessTokenStore: AccessTokenStore {
    let database: any Database
    let cipher: TokenCipher
    let clock: any ServerClock
    let logger: Logger
    /// WeChat's daily quota of the fetch endpoint: 2,000 for `cgi-bin/token`, 500,000 for `stable_token`.
    var dailyLimit = 2000

    /// The daily quota of the endpoint a mode fetches from.
    static func dailyLimit(_ mode: AccessTokenProvider.Mode) -> Int {
        mode == .classic ? 2000 : 500_000
    }

    func load(appID: String) async throws -> AccessToken? {
        guard let row = try await ServerAccessTokenRecord.find(appID, on: database), let sealed = row.tokenSealed,
              let fetchedAt = row.fetchedAt, let expiresAt = row.expiresAt,
              let value = try? cipher.open(sealed, context: Self.context(appID)) else { return nil }
        return AccessToken(value: value, fetchedAt: fetchedAt, expiresAt: expiresAt)
    }

    func save(_ token: AccessToken, appID: String) async throws {
        // The saver holds the refresh lease, whose acquisition created the row; a direct save creates it.
        let row = try await ServerAccessTokenRecord.find(appID, on: database) ?? ServerAccessTokenRecord(appID: appID)
        let day = Self.quotaDay(clock.now())
        row.fetches = row.fetchDay == day ? row.fetches + 1 : 1
        row.fetchDay = day
        try setToken(token, on: row)
        try await row.save(on: database)
        if row.fetches * 10 >= dailyLimit * 9 {
            logger.warning("access_token fetches near WeChat's daily limit", metadata: [
                "appid": "\(appID)", "fetches": "\(row.fetches)", "limit": "\(dailyLimit)",
            ])
        }
    }

    func replace(appID: String, ifCurrent expected: String?, with newToken: AccessToken?) async throws -> Bool {
        try await ensureRow(appID)
        let set: SQLQueryString = if let newToken {
            """
            token_sealed = \(bind: try cipher.seal(newToken.value, context: Self.context(appID))),
                token_hash = \(bind: Self.hash(newToken.value)), fetched_at = \(bind: newToken.fetchedAt),
                expires_at = \(bind: newToken.expiresAt)
            """
        } else {
            "token_sealed = NULL, token_hash = NULL, fetched_at = NULL, expires_at = NULL"
        }
        let current: SQLQueryString = if let expected {
            "token_hash = \(bind: Self.hash(expected))"
        } else {
            "token_hash IS NULL"
        }
        let rows = try await database.sql().raw("""
            UPDATE server_access_tokens SET \(set) WHERE app_id = \(bind: appID) AND \(current) RETURNING app_id
            """).all()
        return !rows.isEmpty
    }

    func acquireRefreshLease(appID: String, holder: String, duration: Duration) async throws -> Bool {
        try await ensureRow(appID)
        let now = clock.now()
        let rows = try await database.sql().raw("""
            UPDATE server_access_tokens
            SET lease_holder = \(bind: holder),
                lease_expires_at = \(bind: now.addingTimeInterval(Double(duration.components.seconds)))
            WHERE app_id = \(bind: appID)
                AND (lease_holder IS NULL OR lease_holder = \(bind: holder) OR lease_expires_at < \(bind: now))
            RETURNING app_id
            """).all()
        return !rows.isEmpty
    }

    func releaseRefreshLease(appID: String, holder: String) async throws {
        try await database.sql().raw("""
            UPDATE server_access_tokens SET lease_holder = NULL, lease_expires_at = NULL
            WHERE app_id = \(bind: appID) AND lease_holder = \(bind: holder)
            """).run()
    }

    /// Today's fetch count (Beijing day) and the stored token's expiry, for the admin API and metrics.
    func status(appID: String) async throws -> (fetchesToday: Int, expiresAt: Date?) {
        guard let row = try await ServerAccessTokenRecord.find(appID, on: database) else { return (0, nil) }
        return (row.fetchDay == Self.quotaDay(clock.now()) ? row.fetches : 0, row.expiresAt)
    }

    private func setToken(_ token: AccessToken, on row: ServerAccessTokenRecord) throws {
        row.tokenSealed = try cipher.seal(token.value, context: Self.context(row.id ?? ""))
        row.tokenHash = Self.hash(token.value)
        row.fetchedAt = token.fetchedAt
        row.expiresAt = token.expiresAt
    }

    private func ensureRow(_ appID: String) async throws {
        if try await ServerAccessTokenRecord.find(appID, on: database) != nil { return }
        do {
            try await ServerAccessTokenRecord(appID: appID).create(on: database)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another instance created it first.
        }
    }

    static func context(_ appID: String) -> String { "\(appID):server-access-token" }

    /// Where the shared access_token is sealed, for ``TokenResealer``.
    static let sealedTokens = TokenResealer.Column(
        table: ServerAccessTokenRecord.schema, id: "app_id", column: "token_sealed", contextColumns: ["app_id"],
        context: { context($0[0]) })

    static func hash(_ token: String) -> String {
        Hex.lowercase(SHA256.hash(data: Data(token.utf8)))
    }

    /// WeChat's quotas reset at midnight Beijing time.
    static func quotaDay(_ date: Date) -> String { BeijingTime.day(date) }
}
