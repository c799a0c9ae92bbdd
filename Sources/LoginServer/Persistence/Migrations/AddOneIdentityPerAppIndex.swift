import Fluent
import SQLKit

/// A user has at most one identity per WeChat app: a partial unique index on `wechat_identities (user_id, app_id)`
/// over bound rows, so no interleaving of binds, unionid joins and logins can link two.
///
/// A database that already holds such a pair (only a race before this index could write one) is not changed
/// silently: the migration stops with the query that finds them (docs/DEPLOYMENT.md, "Database").
struct AddOneIdentityPerAppIndex: AsyncMigration {
    static let duplicatesQuery = """
        SELECT user_id, app_id, COUNT(*) AS identities FROM wechat_identities WHERE user_id IS NOT NULL \
        GROUP BY user_id, app_id HAVING COUNT(*) > 1
        """

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        let duplicates = try await sql.raw(SQLQueryString(Self.duplicatesQuery)).all()
        guard duplicates.isEmpty else { throw DuplicateBindings(users: duplicates.count) }
        try await sql.raw("""
            CREATE UNIQUE INDEX wechat_identities_one_per_app ON wechat_identities (user_id, app_id)
            WHERE user_id IS NOT NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().raw("DROP INDEX wechat_identities_one_per_app").run()
    }

    /// Some users have two identities of one app; someone has to decide which to unlink.
    struct DuplicateBindings: Error, CustomStringConvertible {
        var users: Int
        var description: String {
            "\(users) user(s) have two WeChat identities of the same app; unlink one of each pair (set user_id to "
                + "NULL) before upgrading. They are listed by: \(AddOneIdentityPerAppIndex.duplicatesQuery)"
        }
    }
}
