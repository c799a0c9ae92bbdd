import Fluent
import Vapor

/// `/api/admin/users/by-external-id/…`, `/api/admin/users/batch` and `PATCH /api/admin/users/{id}`: the business's
/// back end finds, creates and updates its users by its own id (admin bearer token). Every write by external id goes
/// through ``UserStore/upsert(_:now:by:via:)``, the path the import command uses too; a write by our id through
/// ``UserStore/update(_:with:now:retrying:)``.
struct UserAdminController: RouteCollection {
    let adminToken: AdminTokenMiddleware
    let clock: any ServerClock

    func boot(routes: any RoutesBuilder) throws {
        let users = routes.grouped("api", "admin", "users").grouped(adminToken)
        users.get("by-external-id", ":externalID", use: find)
        users.put("by-external-id", ":externalID", use: upsert)
        users.on(.POST, "batch", body: .collect(maxSize: "2mb"), use: batch)
        users.patch(":userID", use: update)
    }

    /// A user known by our id (the OpenID Connect `sub`, say) gets the business's id, or new contacts: `200`
    /// `updated` or `unchanged`; `409` when the external id, phone or email is another user's; `404` for no such user.
    func update(req: Request) async throws -> UserUpsertResponse {
        guard let id = req.parameters.get("userID").flatMap(UUID.init(uuidString:)) else {
            throw Abort(.notFound, reason: "No such user.")
        }
        let body = try req.content.decode(UserUpdateRequest.self)
        var changes = UserStore.Changes()
        do {
            if let raw = body.externalID, !raw.isEmpty { changes.externalID = try ExternalID(validating: raw) }
            (changes.phone, changes.email, changes.name) = try UserUpsert.normalised(
                phone: body.phone, email: body.email, name: body.name)
        } catch let invalid as ExternalID.Invalid {
            throw Abort(.unprocessableEntity, reason: invalid.reason)
        } catch let invalid as UserUpsert.Invalid {
            throw Abort(.unprocessableEntity, reason: invalid.reason)
        }
        let store = UserStore(database: req.db)
        guard let outcome = try await store.update(id, with: changes, now: clock.now()) else {
            throw Abort(.notFound, reason: "No such user.")
        }
        if case .rejected(let reason) = outcome {
            req.logger.notice("user update rejected", metadata: ["reason": "\(reason)"])
            throw Abort(.conflict, reason: reason.prefix(1).uppercased() + reason.dropFirst() + ".")
        }
        guard let user = try await store.find(id) else { throw Abort(.notFound, reason: "No such user.") }
        req.logger.info("user updated", metadata: ["user": "\(id)", "result": "\(outcome.name)"])
        return UserUpsertResponse(result: outcome.name, user: try MeResponse(user: user, identities: []).user)
    }

    func find(req: Request) async throws -> MeResponse {
        let externalID = try Self.externalID(req)
        guard let user = try await UserStore(database: req.db).find(externalID: externalID) else {
            throw Abort(.notFound, reason: "No user has this external id.")
        }
        return try MeResponse(user: user, identities: try await AccountService(database: req.db).identities(of: user))
    }

    /// The same request twice is one user: `201` when it created them, `200` when it updated them or found nothing
    /// to change; `409` when the phone or email is another user's, `422` for input that is not valid.
    func upsert(req: Request) async throws -> Response {
        let externalID = try Self.externalID(req)
        let body = try req.content.decode(UserUpsertRequest.self)
        let item: UserUpsert
        do {
            item = try UserUpsert(externalID: externalID.value, phone: body.phone, email: body.email, name: body.name)
        } catch {
            throw Abort(.unprocessableEntity, reason: error.reason)
        }
        let store = UserStore(database: req.db)
        let outcome = try await store.upsert([item], now: clock.now(), by: req.eventActor(.admin), via: "admin").first
        guard let outcome, let userID = outcome.userID else {
            if case .rejected(let reason)? = outcome {
                req.logger.notice("user upsert rejected", metadata: ["reason": "\(reason)"])
                throw Abort(.conflict, reason: reason.prefix(1).uppercased() + reason.dropFirst() + ".")
            }
            throw Abort(.internalServerError)
        }
        guard let user = try await store.find(userID) else { throw Abort(.internalServerError) }
        req.logger.info("user upserted", metadata: ["user": "\(userID)", "result": "\(outcome.name)"])
        let answer = UserUpsertResponse(result: outcome.name, user: try MeResponse(user: user, identities: []).user)
        return try await answer.encodeResponse(status: outcome.name == "created" ? .created : .ok, for: req)
    }

    /// One transaction for the batch: the items that pass are written together or not at all (a database failure
    /// answers 5xx with nothing written, and sending the batch again is safe); an item that does not pass is
    /// reported with its reason and does not hold the others back. `422` only when every item was rejected.
    func batch(req: Request) async throws -> Response {
        let body = try req.content.decode(UserBatchRequest.self)
        guard (1...UserStore.maximumUpsertBatch).contains(body.users.count) else {
            throw Abort(.unprocessableEntity, reason: "users must hold 1–\(UserStore.maximumUpsertBatch) entries.")
        }
        var outcomes = [UserUpsert.Outcome?](repeating: nil, count: body.users.count)
        var valid: [(index: Int, item: UserUpsert)] = []
        for (index, raw) in body.users.enumerated() {
            do {
                valid.append((index, try UserUpsert(externalID: raw.externalID, phone: raw.phone, email: raw.email,
                                                    name: raw.name)))
            } catch {
                outcomes[index] = .rejected(reason: error.reason)
            }
        }
        let written = try await UserStore(database: req.db).upsert(valid.map(\.item), now: clock.now(),
                                                                        by: req.eventActor(.admin), via: "admin")
        for (entry, outcome) in zip(valid, written) { outcomes[entry.index] = outcome }
        let results = outcomes.enumerated().map { index, outcome -> UserBatchResponse.Item in
            let outcome = outcome ?? .rejected(reason: "not processed")
            var reason: String?
            if case .rejected(let why) = outcome { reason = why }
            return .init(index: index, result: outcome.name, userID: outcome.userID, reason: reason)
        }
        func count(_ name: String) -> Int { results.count { $0.result == name } }
        let answer = UserBatchResponse(results: results, created: count("created"), updated: count("updated"),
                                       unchanged: count("unchanged"), rejected: count("rejected"))
        req.logger.info("user batch upserted", metadata: [
            "created": "\(answer.created)", "updated": "\(answer.updated)", "unchanged": "\(answer.unchanged)",
            "rejected": "\(answer.rejected)",
        ])
        return try await answer.encodeResponse(status: answer.rejected == results.count ? .unprocessableEntity : .ok,
                                               for: req)
    }

    private static func externalID(_ req: Request) throws -> ExternalID {
        do {
            return try ExternalID(validating: req.parameters.get("externalID") ?? "")
        } catch {
            throw Abort(.badRequest, reason: error.reason.prefix(1).uppercased() + error.reason.dropFirst() + ".")
        }
    }
}
