import Foundation
import Vapor

/// `/api/admin/webhooks…` (admin bearer token; 404 while `ADMIN_API_TOKEN` is unset): register, list, read, change
/// and disable webhook endpoints, rotate their secrets, and see and replay their deliveries. Errors are the `/api/`
/// shape.
struct WebhookAdminController: RouteCollection {
    let adminToken: AdminTokenMiddleware
    let cipher: TokenCipher
    let clock: any ServerClock

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.grouped("api", "admin", "webhooks").grouped(adminToken)
        admin.post(use: create)
        admin.get(use: list)
        admin.get(":endpointID", use: show)
        admin.patch(":endpointID", use: update)
        admin.delete(":endpointID", use: disable)
        admin.post(":endpointID", "secret", use: rotateSecret)
        admin.get(":endpointID", "deliveries", use: deliveries)
        admin.post(":endpointID", "deliveries", ":deliveryID", "replay", use: replayOne)
        admin.post(":endpointID", "replay", use: replayDead)
    }

    private func endpoints(_ req: Request) -> WebhookEndpointStore {
        WebhookEndpointStore(database: req.db, cipher: cipher, clock: clock)
    }

    func create(req: Request) async throws -> Response {
        let input = try req.content.decode(WebhookInput.self)
        guard let rawURL = input.url else { throw Abort(.badRequest, reason: "url is required.") }
        let url = try WebhookInput.checkURL(rawURL)
        let types = try input.eventTypes.flatMap(WebhookInput.checkTypes)
        let description = try input.description.map(WebhookInput.checkDescription)
        let secret = WebhookSecret.generate()
        let endpoint = try await endpoints(req).create(url: url, eventTypes: types, description: description,
                                                      enabled: input.enabled ?? true, secret: secret)
        req.logger.info("webhook endpoint created", metadata: ["endpoint": "\(endpoint.id)"])
        return try await Response.noStore(WebhookSecretView(endpoint: WebhookEndpointView(endpoint), secret: secret.text),
                                          status: .created, for: req)
    }

    func list(req: Request) async throws -> Response {
        let all = try await endpoints(req).all()
        return try await Response.noStore(WebhookEndpointList(endpoints: all.map(WebhookEndpointView.init)), status: .ok, for: req)
    }

    func show(req: Request) async throws -> Response {
        guard let endpoint = try await endpoints(req).find(try endpointID(req)) else { throw Self.notFound }
        return try await Response.noStore(WebhookEndpointView(endpoint), status: .ok, for: req)
    }

    /// Changes the fields given; others stay. `enabled: true` turns a disabled endpoint back on (its pending
    /// deliveries resume; events while it was off were not queued for it).
    func update(req: Request) async throws -> Response {
        let id = try endpointID(req)
        let input = try req.content.decode(WebhookInput.self)
        let url = try input.url.map(WebhookInput.checkURL)
        let types: [String]?? = try input.eventTypes.map(WebhookInput.checkTypes)
        let description: String?? = try input.description.map(WebhookInput.checkDescription)
        guard let endpoint = try await endpoints(req).update(id, url: url, eventTypes: types, description: description,
                                                             enabled: input.enabled) else { throw Self.notFound }
        req.logger.info("webhook endpoint updated", metadata: ["endpoint": "\(id)"])
        return try await Response.noStore(WebhookEndpointView(endpoint), status: .ok, for: req)
    }

    /// Disables the endpoint (204, also when it already was): nothing more is queued or sent to it; its deliveries
    /// stay visible.
    func disable(req: Request) async throws -> Response {
        let id = try endpointID(req)
        guard try await endpoints(req).update(id, url: nil, eventTypes: nil, description: nil, enabled: false) != nil else {
            throw Self.notFound
        }
        req.logger.info("webhook endpoint disabled", metadata: ["endpoint": "\(id)"])
        let response = Response(status: .noContent)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// A new secret, shown once; deliveries from now on are signed with it.
    func rotateSecret(req: Request) async throws -> Response {
        let id = try endpointID(req)
        let secret = WebhookSecret.generate()
        guard let endpoint = try await endpoints(req).rotateSecret(id, to: secret) else { throw Self.notFound }
        req.logger.info("webhook endpoint secret rotated", metadata: ["endpoint": "\(id)"])
        return try await Response.noStore(WebhookSecretView(endpoint: WebhookEndpointView(endpoint), secret: secret.text),
                                          status: .ok, for: req)
    }

    /// The endpoint's deliveries, newest first: `status` filters, `cursor` pages, `limit` is 1…500 (default 100).
    func deliveries(req: Request) async throws -> Response {
        let id = try await existingEndpoint(req)
        var status: WebhookDeliveryStore.Status?
        if let raw = req.queryValue("status") {
            guard let parsed = WebhookDeliveryStore.Status(rawValue: raw) else {
                throw Abort(.badRequest, reason: "status must be one of: pending, sending, delivered, dead.")
            }
            status = parsed
        }
        var before: Int64?
        if let raw = req.queryValue("cursor") {
            guard let id = EventCursor.decode(raw) else { throw Abort(.badRequest, reason: "cursor is not one this API gave.") }
            before = id
        }
        var limit = 100
        if let raw = req.queryValue("limit") {
            guard let parsed = Int(raw), (1...500).contains(parsed) else {
                throw Abort(.badRequest, reason: "limit must be a whole number from 1 to 500.")
            }
            limit = parsed
        }
        let rows = try await WebhookDeliveryStore(database: req.db).list(endpointID: id, status: status, before: before,
                                                                         limit: limit)
        let page = WebhookDeliveryPage(
            deliveries: rows.map(WebhookDeliveryView.init),
            nextCursor: rows.count == limit ? rows.last.map { EventCursor.encode($0.id) } : nil)
        return try await Response.noStore(page, status: .ok, for: req)
    }

    /// Sends one dead (or delivered) delivery again, due now: 200 with the delivery, 404 when there is no such
    /// delivery, 409 while it is still pending or being sent.
    func replayOne(req: Request) async throws -> Response {
        let id = try await existingEndpoint(req)
        guard let raw = req.parameters.get("deliveryID"), raw.utf8.count <= 20, let deliveryID = Int64(raw) else {
            throw Abort(.notFound, reason: "No such delivery.")
        }
        let store = WebhookDeliveryStore(database: req.db)
        let replayed = try await store.replay(endpointID: id, id: deliveryID, now: clock.now())
        guard let delivery = try await store.find(deliveryID, endpointID: id) else {
            throw Abort(.notFound, reason: "No such delivery.")
        }
        guard replayed == 1 else { throw Abort(.conflict, reason: "The delivery is still pending or being sent.") }
        req.logger.info("webhook delivery replayed", metadata: ["endpoint": "\(id)", "delivery": "\(deliveryID)"])
        return try await Response.noStore(WebhookDeliveryView(delivery), status: .ok, for: req)
    }

    /// Sends every dead delivery of the endpoint again, due now.
    func replayDead(req: Request) async throws -> Response {
        let id = try await existingEndpoint(req)
        let count = try await WebhookDeliveryStore(database: req.db).replay(endpointID: id, id: nil, now: clock.now())
        req.logger.info("webhook dead deliveries replayed", metadata: ["endpoint": "\(id)", "count": "\(count)"])
        return try await Response.noStore(WebhookReplayResult(replayed: count), status: .ok, for: req)
    }

    private func endpointID(_ req: Request) throws -> UUID {
        guard let id = req.parameters.get("endpointID").flatMap(UUID.init(uuidString:)) else { throw Self.notFound }
        return id
    }

    private func existingEndpoint(_ req: Request) async throws -> UUID {
        let id = try endpointID(req)
        guard try await endpoints(req).find(id) != nil else { throw Self.notFound }
        return id
    }

    private static let notFound = Abort(.notFound, reason: "No such webhook endpoint.")
}
