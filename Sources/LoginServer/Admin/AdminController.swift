import Fluent
import Vapor

/// `/api/admin/…`: the business's back end looks its users up — by id, phone, email, or a WeChat openid —
/// with the admin bearer token (`ADMIN_API_TOKEN`). Closed (404) when no token is configured.
struct AdminController: RouteCollection {
    let adminToken: AdminTokenMiddleware
    /// The official account's shared access_token; `nil` (404) without an official account.
    let sharedToken: SharedAccessToken?

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("api", "admin").grouped(adminToken)
        admin.get("users", ":userID", use: user)
        admin.get("users", use: find)
        admin.get("access-token", use: accessToken)
    }

    /// The shared access_token's state: today's fetches against WeChat's daily quota, and the token's expiry.
    struct AccessTokenStatus: Content {
        var appID: String
        var mode: String
        var fetchesToday: Int
        var dailyLimit: Int
        var nearDailyLimit: Bool
        var expiresAt: String?
    }

    func accessToken(req: Request) async throws -> AccessTokenStatus {
        guard let sharedToken else {
            throw Abort(.notFound, reason: "No official account is configured.")
        }
        let provider = sharedToken.provider
        let store = sharedToken.store(on: req.db, logger: req.logger)
        let status = try await store.status(appID: provider.appID)
        return AccessTokenStatus(
            appID: provider.appID, mode: provider.configuration.mode == .stable ? "stable" : "classic",
            fetchesToday: status.fetchesToday, dailyLimit: store.dailyLimit,
            nearDailyLimit: status.fetchesToday * 10 >= store.dailyLimit * 9,
            expiresAt: status.expiresAt?.formatted(.iso8601))
    }

    func user(req: Request) async throws -> MeResponse {
        guard let id = req.parameters.get("userID").flatMap(UUID.init(uuidString:)),
              let user = try await UserStore(database: req.db).find(id) else {
            throw Abort(.notFound, reason: "No such user.")
        }
        return try await Self.view(user, on: req.db)
    }

    /// Exactly one of `phone`, `email`, `openid` (with `appid` to pick the app when openids could collide),
    /// `external_id`.
    func find(req: Request) async throws -> MeResponse {
        let phone = req.queryValue("phone")
        let email = req.queryValue("email")
        let openID = req.queryValue("openid")
        let externalID = req.queryValue("external_id")
        guard [phone, email, openID, externalID].compactMap({ $0 }).count == 1 else {
            throw Abort(.badRequest, reason: "Give exactly one of phone, email, openid or external_id.")
        }
        let found: User?
        if let externalID {
            guard let valid = try? ExternalID(validating: externalID) else {
                throw Abort(.badRequest, reason: "Not a valid external id.")
            }
            found = try await UserStore(database: req.db).find(externalID: valid)
        } else if let raw = phone ?? email {
            guard let contact = ContactAddress(raw) else { throw Abort(.badRequest, reason: "Not a valid phone or email.") }
            found = try await UserStore(database: req.db).find(contact)
        } else {
            let identity = try await IdentityStore(database: req.db)
                .find(openID: openID ?? "", appID: req.queryValue("appid"))
            if let userID = identity?.$user.id {
                found = try await UserStore(database: req.db).find(userID)
            } else {
                found = nil
            }
        }
        guard let user = found else { throw Abort(.notFound, reason: "No user matches.") }
        return try await Self.view(user, on: req.db)
    }

    private static func view(_ user: User, on database: any Database) async throws -> MeResponse {
        try MeResponse(user: user, identities: try await AccountService(database: database).identities(of: user))
    }
}

/// Lets a request through only with `Authorization: Bearer <ADMIN_API_TOKEN>`, compared in constant time.
struct AdminTokenMiddleware: AsyncMiddleware {
    /// `ADMIN_API_TOKEN`; without one, every guarded route is 404.
    let expected: String?

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let expected else {
            throw Abort(.notFound)
        }
        try request.requireBearer(expected, for: "admin")
        return try await next.respond(to: request)
    }
}
