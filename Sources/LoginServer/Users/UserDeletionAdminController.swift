import Fluent
import Vapor

/// `DELETE /api/admin/users/{userID}` and `DELETE /api/admin/users/by-external-id/{externalID}`: the business deletes
/// an account on the person's behalf (admin bearer token, actor `admin`), through the same ``AccountDeletion`` as
/// the person's own 注销. A second deletion, or one racing it, gets `404`.
struct UserDeletionAdminController: RouteCollection {
    let adminToken: AdminTokenMiddleware
    let clock: any ServerClock

    func boot(routes: any RoutesBuilder) throws {
        let users = routes.grouped("api", "admin", "users").grouped(adminToken)
        users.delete(":userID", use: deleteByID)
        users.delete("by-external-id", ":externalID", use: deleteByExternalID)
    }

    /// What the deletion removed; the ids are the ones the `user.deleted` event carries.
    struct Deleted: Content {
        var userID: UUID
        var externalID: String?
        var identities: Int
        var sessions: Int
        var cancelledMessages: Int
        var deliveredMessages: Int
        var revokedTokens: Int
        enum CodingKeys: String, CodingKey {
            case userID = "user_id", externalID = "external_id", identities, sessions
            case cancelledMessages = "cancelled_messages", deliveredMessages = "delivered_messages"
            case revokedTokens = "revoked_tokens"
        }
    }

    func deleteByID(req: Request) async throws -> Response {
        guard let id = req.parameters.get("userID").flatMap(UUID.init(uuidString:)) else {
            throw Abort(.notFound, reason: "No such user.")
        }
        return try await delete(id, req)
    }

    func deleteByExternalID(req: Request) async throws -> Response {
        let externalID: ExternalID
        do {
            externalID = try ExternalID(validating: req.parameters.get("externalID") ?? "")
        } catch {
            throw Abort(.badRequest, reason: error.reason.prefix(1).uppercased() + error.reason.dropFirst() + ".")
        }
        guard let user = try await UserStore(database: req.db).find(externalID: externalID) else {
            throw Abort(.notFound, reason: "No user has this external id.")
        }
        return try await delete(try user.requireID(), req)
    }

    private func delete(_ id: UUID, _ req: Request) async throws -> Response {
        let deleted: AccountDeletion.Deleted
        do {
            deleted = try await AccountDeletion(database: req.db).delete(userID: id, actor: req.eventActor(.admin),
                                                                         now: clock.now())
        } catch is AccountDeletion.NotFound {
            throw Abort(.notFound, reason: "No such user (it does not exist or was already deleted).")
        }
        AccountDeletionController.log(req, deleted, actor: .admin)
        return try await Response.noStore(Deleted(
            userID: deleted.userID, externalID: deleted.externalID, identities: deleted.identities,
            sessions: deleted.sessions, cancelledMessages: deleted.cancelledMessages,
            deliveredMessages: deleted.deliveredMessages, revokedTokens: deleted.revokedTokens), status: .ok, for: req)
    }
}
