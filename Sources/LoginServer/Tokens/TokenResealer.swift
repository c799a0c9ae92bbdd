import Fluent
import Foundation
import SQLKit

/// Seals again, under the current key, every stored token sealed under an older one, so an old key can be retired
/// (`TOKEN_ENCRYPTION_PREVIOUS_KEYS` dropped) without anyone losing their stored WeChat tokens.
///
/// The sealed values are the users' access and refresh tokens in `wechat_identities`, the shared access_token in
/// `server_access_tokens` and the OpenID Connect signing keys' private halves in `oidc_signing_keys`. Rows are read in batches by id; each value is written back with a conditional
/// `UPDATE … WHERE id = … AND column = <the value read>`, so a sign-in or refresh that wrote the row meanwhile (sealed
/// under the current key already) is never overwritten, and instances resealing at once each write a value once.
struct TokenResealer: Sendable {
    let database: any Database
    let cipher: TokenCipher
    /// Rows read per statement.
    var batchSize = 200

    /// What one pass did.
    struct Report: Sendable, Equatable {
        /// Values now sealed under the current key.
        var resealed = 0
        /// Values that changed between reading and writing (someone else wrote them under the current key).
        var changedMeanwhile = 0
        /// Values no configured key opens, by the key id they name: they stay as they are (and are useless).
        var unopenable: [String: Int] = [:]
    }

    /// One place sealed values live.
    struct Column: Sendable {
        let table: String
        let id: String
        let column: String
        /// The columns the sealing context is made of, and how.
        let contextColumns: [String]
        let context: @Sendable ([String]) -> String

        static let identityAccess = IdentityStore.sealedAccessTokens
        static let identityRefresh = IdentityStore.sealedRefreshTokens
        static let serverAccessToken = DatabaseAccessTokenStore.sealedTokens
        static let signingKeys = SigningKeyStore.sealedPrivateKeys
    }

    /// Reseals everything under older keys, batch after batch, until nothing openable is left.
    func resealAll() async throws -> Report {
        var report = Report()
        try await reseal(.identityAccess, idType: UUID.self, into: &report)
        try await reseal(.identityRefresh, idType: UUID.self, into: &report)
        try await reseal(.serverAccessToken, idType: String.self, into: &report)
        try await reseal(.signingKeys, idType: String.self, into: &report)
        return report
    }

    /// Values still sealed under a key other than the current one, by key id (`?` for values that name none).
    func remaining() async throws -> [String: Int] {
        let sql = try database.sql()
        var counts: [String: Int] = [:]
        for column in [Column.identityAccess, .identityRefresh, .serverAccessToken, .signingKeys] {
            // Per configured older key, then whatever is left (keys no longer configured), portable SQL only.
            var counted = 0
            for keyID in cipher.previousKeyIDs {
                let n = try await count(sql, column, where: "\(prefixExpression(column, "v1.\(keyID).")) = \(bind: "v1.\(keyID).")")
                if n > 0 { counts[keyID, default: 0] += n }
                counted += n
            }
            let prefix = cipher.sealingPrefix
            let other = try await count(sql, column, where: "\(prefixExpression(column, prefix)) <> \(bind: prefix)") - counted
            if other > 0 { counts["?", default: 0] += other }
        }
        return counts
    }

    private func reseal<ID: Codable & Sendable>(_ column: Column, idType: ID.Type, into report: inout Report) async throws {
        let sql = try database.sql()
        let prefix = cipher.sealingPrefix
        var after: ID?
        while true {
            var query: SQLQueryString = """
                SELECT \(ident: column.id) AS row_id, \(ident: column.column) AS sealed
                """
            for (index, name) in column.contextColumns.enumerated() {
                query = query + ", \(ident: name) AS \(ident: "context_\(index)")"
            }
            query = query + " FROM \(ident: column.table) WHERE \(ident: column.column) IS NOT NULL"
            query = query + " AND \(prefixExpression(column, prefix)) <> \(bind: prefix)"
            if let after { query = query + " AND \(ident: column.id) > \(bind: after)" }
            query = query + " ORDER BY \(ident: column.id) LIMIT \(literal: batchSize)"
            let rows = try await sql.raw(query).all()
            for row in rows {
                let id = try row.decode(column: "row_id", as: ID.self)
                let sealed = try row.decode(column: "sealed", as: String.self)
                let parts = try column.contextColumns.indices.map { try row.decode(column: "context_\($0)", as: String.self) }
                let context = column.context(parts)
                guard let plaintext = try? cipher.open(sealed, context: context) else {
                    report.unopenable[TokenCipher.keyID(of: sealed) ?? "?", default: 0] += 1
                    continue
                }
                let resealed = try cipher.seal(plaintext, context: context)
                if try await replace(column, id: id, expected: sealed, with: resealed) {
                    report.resealed += 1
                } else {
                    report.changedMeanwhile += 1
                }
            }
            // A stopping server (or a `push` that is done) does not wait for the rest: the next pass takes it up.
            guard rows.count == batchSize, let last = rows.last, !Task.isCancelled else { return }
            after = try last.decode(column: "row_id", as: ID.self)
        }
    }

    /// Writes `resealed` only while the column still holds `expected`; true when it did.
    func replace<ID: Encodable & Sendable>(_ column: Column, id: ID, expected: String, with resealed: String)
        async throws -> Bool {
        let rows = try await database.sql().raw("""
            UPDATE \(ident: column.table) SET \(ident: column.column) = \(bind: resealed)
            WHERE \(ident: column.id) = \(bind: id) AND \(ident: column.column) = \(bind: expected)
            RETURNING \(ident: column.id)
            """).all()
        return !rows.isEmpty
    }

    /// `substr(column, 1, n)`, n the prefix's length: SQLite and PostgreSQL both have it (n as a literal: PostgreSQL
    /// has no `substr(text, bigint, bigint)` for a bound Int).
    private func prefixExpression(_ column: Column, _ prefix: String) -> SQLQueryString {
        "substr(\(ident: column.column), 1, \(literal: prefix.count))"
    }

    private func count(_ sql: any SQLDatabase, _ column: Column, where condition: SQLQueryString) async throws -> Int {
        try await sql.raw("""
            SELECT COUNT(*) AS n FROM \(ident: column.table) WHERE \(ident: column.column) IS NOT NULL AND \(condition)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
    }
}
