import Fluent
import Foundation
import Vapor
import WeChatKit

/// `/api/template-messages`: the business's back end queues template messages (admin bearer token) and reads
/// their status. Accepting is durable and immediate (202); workers on every instance send.
struct TemplateMessageController: RouteCollection {
    let adminToken: AdminTokenMiddleware
    /// The official account's template messaging; `nil` (404) when none is configured.
    let messaging: TemplateMessaging?

    func boot(routes: any RoutesBuilder) throws {
        let messages = routes.grouped("api", "template-messages").grouped(adminToken)
        messages.post(use: create)
        messages.on(.POST, "batch", body: .collect(maxSize: "2mb"), use: batch)
        messages.get(":messageID", use: show)
    }

    func create(req: Request) async throws -> Response {
        let messaging = try TemplateMessaging.require(messaging)
        let body = try req.content.decode(TemplateMessageRequest.self)
        let input = try TemplateMessageInput(
            templateID: body.templateID, url: body.url, miniProgram: body.miniProgram, data: body.data,
            idempotencyKey: body.idempotencyKey)
        let recipient = try await messaging.recipients(on: req.db).resolve(
            userID: body.userID, openID: body.openID, externalID: body.externalID)
        let (record, created) = try await messaging.queue(on: req.db).enqueue(.init(
            appID: messaging.appID, userID: recipient.userID, message: input.message(to: recipient.openID),
            idempotencyKey: input.idempotencyKey))
        if created {
            await messaging.worker.wake()
            req.logger.info("template message queued", metadata: ["message": "\(record.id?.uuidString ?? "-")"])
        }
        let response = try await TemplateMessageView(record).encodeResponse(status: created ? .accepted : .ok, for: req)
        response.headers.replaceOrAdd(name: .location, value: "/api/template-messages/\(try record.requireID().uuidString.lowercased())")
        return response
    }

    func batch(req: Request) async throws -> Response {
        let messaging = try TemplateMessaging.require(messaging)
        let body = try req.content.decode(TemplateBatchRequest.self)
        guard (1...TemplateMessageInput.maxBatchSize).contains(body.recipients.count) else {
            throw Abort(.unprocessableEntity, reason: "recipients must hold 1–\(TemplateMessageInput.maxBatchSize) entries.")
        }
        let input = try TemplateMessageInput(
            templateID: body.templateID, url: body.url, miniProgram: body.miniProgram, data: body.data,
            idempotencyKey: body.idempotencyKey)
        let batchID = UUID()
        var accepted: [TemplateBatchResponse.Accepted] = []
        var rejected: [TemplateBatchResponse.Rejected] = []
        // Recipients are resolved together (a few lookups on indexes) and the accepted ones queued together in one
        // transaction (`enqueue(batch:)`).
        var messages: [(index: Int, message: TemplateMessageQueue.NewMessage)] = []
        let resolved = try await messaging.recipients(on: req.db).resolve(
            body.recipients.map { ($0.userID, $0.openID, $0.externalID) })
        for (index, resolution) in resolved.enumerated() {
            switch resolution {
            case .success(let recipient):
                messages.append((index, .init(
                    appID: messaging.appID, userID: recipient.userID, message: input.message(to: recipient.openID),
                    idempotencyKey: input.idempotencyKey, batchID: batchID)))
            case .failure(let refusal):
                rejected.append(.init(index: index, reason: refusal.reason))
            }
        }
        let queued = try await messaging.queue(on: req.db).enqueue(batch: messages.map(\.message))
        for (entry, row) in zip(messages, queued) {
            accepted.append(.init(index: entry.index, id: row.id, status: row.status))
        }
        if !accepted.isEmpty { await messaging.worker.wake() }
        req.logger.info("template message batch queued", metadata: [
            "batch": "\(batchID)", "accepted": "\(accepted.count)", "rejected": "\(rejected.count)",
        ])
        return try await TemplateBatchResponse(batchID: batchID, accepted: accepted, rejected: rejected)
            .encodeResponse(status: accepted.isEmpty ? .unprocessableEntity : .accepted, for: req)
    }

    func show(req: Request) async throws -> TemplateMessageView {
        let messaging = try TemplateMessaging.require(messaging)
        guard let id = req.parameters.get("messageID").flatMap(UUID.init(uuidString:)),
              let record = try await messaging.queue(on: req.db).find(id) else {
            throw Abort(.notFound, reason: "No such message.")
        }
        return try TemplateMessageView(record)
    }
}
