import Vapor

/// `/api/admin/oidc-clients…`: the business's back end lists, reads, updates and revokes the provider's clients
/// and rotates a confidential client's secret (admin bearer token; 404 while `ADMIN_API_TOKEN` is unset). Errors
/// are the `/api/` shape; answers never carry a secret except the one a rotation just made.
struct ClientAdminController: RouteCollection {
    let adminToken: AdminTokenMiddleware
    let clients: OIDCClients

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("api", "admin", "oidc-clients").grouped(adminToken)
        admin.get(use: list)
        admin.get(":clientID", use: show)
        admin.put(":clientID", use: update)
        admin.delete(":clientID", use: revoke)
        admin.post(":clientID", "secret", use: rotateSecret)
    }

    func list(req: Request) async throws -> Response {
        let all = try await clients.all(on: req.db)
        return try await Response.noStore(ClientList(clients: all.map(ClientView.init)), status: .ok, for: req)
    }

    func show(req: Request) async throws -> Response {
        guard let client = try await clients.find(try clientID(req), on: req.db) else { throw Self.notFound }
        return try await Response.noStore(ClientView(client), status: .ok, for: req)
    }

    /// Replaces the metadata (the whole registration body, checked as at registration; omitted fields take their
    /// defaults). A public client stays public and a confidential one confidential.
    func update(req: Request) async throws -> Response {
        let id = try clientID(req)
        let metadata: ClientMetadata
        do {
            metadata = try ClientMetadata.decode(json: Data(buffer: req.body.data ?? ByteBuffer()))
        } catch {
            throw Abort(.badRequest, reason: error.description)
        }
        do {
            let client = try await clients.update(id, to: metadata, on: req.db)
            req.logger.info("oidc client updated", metadata: ["client_id": "\(id)"])
            return try await Response.noStore(ClientView(client), status: .ok, for: req)
        } catch let refusal as OIDCClients.ChangeRefusal {
            throw Self.abort(refusal)
        }
    }

    /// A new secret, shown once; the old one stops at once.
    func rotateSecret(req: Request) async throws -> Response {
        let id = try clientID(req)
        do {
            let secret = try await clients.rotateSecret(of: id, on: req.db)
            req.logger.info("oidc client secret rotated", metadata: ["client_id": "\(id)"])
            return try await Response.noStore(
                RotatedSecret(client_id: id, client_secret: secret, client_secret_expires_at: 0), status: .ok, for: req)
        } catch let refusal as OIDCClients.ChangeRefusal {
            throw Self.abort(refusal)
        }
    }

    /// Revokes the client (204, also when it already was): the row stays, marked.
    func revoke(req: Request) async throws -> Response {
        let id = try clientID(req)
        do {
            try await clients.revoke(id, on: req.db)
        } catch let refusal as OIDCClients.ChangeRefusal {
            throw Self.abort(refusal)
        }
        req.logger.info("oidc client revoked", metadata: ["client_id": "\(id)"])
        let response = Response(status: .noContent)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func clientID(_ req: Request) throws -> String {
        guard let id = req.parameters.get("clientID"), !id.isEmpty, id.utf8.count <= 64 else { throw Self.notFound }
        return id
    }

    private static let notFound = Abort(.notFound, reason: "No such client.")

    private static func abort(_ refusal: OIDCClients.ChangeRefusal) -> Abort {
        switch refusal {
        case .notFound: notFound
        case .revoked: Abort(.conflict, reason: "The client is revoked; register a new one.")
        case .kindChange: Abort(.conflict, reason:
            "token_endpoint_auth_method cannot change between none (public) and a secret method; register a new client.")
        case .noSecret: Abort(.conflict, reason: "A public client (token_endpoint_auth_method none) has no secret.")
        }
    }
}
