import Vapor

/// `POST /api/admin/users/{userID}/revoke-tokens`: the business's back end ends every OpenID Connect refresh and
/// access token of one person at every app (a lost phone, a dismissed employee, a support request). The apps' next
/// token refresh or userinfo call fails and they sign the person in again. Admin bearer token; idempotent.
struct UserTokenAdminController: RouteCollection {
    let adminToken: AdminTokenMiddleware
    let provider: OIDCProvider

    func boot(routes: any RoutesBuilder) throws {
        routes.grouped("api", "admin", "users").grouped(adminToken).post(":userID", "revoke-tokens", use: revoke)
    }

    /// How many tokens were still alive and are revoked now.
    struct Revoked: Content {
        var revokedTokens: Int
    }

    func revoke(req: Request) async throws -> Response {
        guard let id = req.parameters.get("userID").flatMap(UUID.init(uuidString:)),
              try await UserStore(database: req.db).find(id) != nil else {
            throw Abort(.notFound, reason: "No such user.")
        }
        let count = try await provider.revokeTokens(of: id, actor: req.eventActor(.admin), on: req.db)
        req.logger.notice("provider tokens revoked by admin", metadata: ["user_id": "\(id)", "count": "\(count)"])
        return try await Response.noStore(Revoked(revokedTokens: count), status: .ok, for: req)
    }
}
