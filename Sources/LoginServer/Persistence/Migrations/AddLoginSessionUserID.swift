import Fluent
import SQLKit

/// `login_sessions.user_id`: the signed-in user, written with the session's data, so deleting an account deletes
/// its sessions with one indexed statement and every instance's next request with such a cookie finds none.
/// Rows from before stay `NULL` until they expire; `LoginSessionStore.deleteSessions` finds those by their data.
struct AddLoginSessionUserID: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LoginSessionStore.schema).field("user_id", .uuid).update()
        try await database.sql().create(index: "login_sessions_user_id").on(LoginSessionStore.schema)
            .column("user_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql().drop(index: "login_sessions_user_id").ifExists().run()
        try await database.schema(LoginSessionStore.schema).deleteField("user_id").update()
    }
}
