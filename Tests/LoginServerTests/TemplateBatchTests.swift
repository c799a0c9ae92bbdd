import Fluent
import Foundation
import Testing
import WeChatKit
@testable import LoginServer

/// `TemplateMessageQueue.enqueue(batch:)`: a campaign's messages in one transaction, with the idempotency key
/// holding within the batch, across requests, and between concurrent requests (on PostgreSQL with
/// `TEST_DATABASE_URL`, where they really interleave).
@Suite("template message batches")
struct TemplateBatchTests {
    static func message(to openID: String, key: String?, batch: UUID = UUID()) -> TemplateMessageQueue.NewMessage {
        .init(appID: "wx-campaign", userID: nil,
              message: TemplateMessage(toUser: openID, templateID: "tpl-sale", url: nil, data: [.init("first", "大促开始")]),
              idempotencyKey: key, batchID: batch)
    }

    /// A world whose worker is off: the rows stay as queued.
    static func withQueue(_ body: (LoginWorld, TemplateMessageQueue) async throws -> Void) async throws {
        try await LoginWorld.with(adjust: { $0.messageQueue.workerEnabled = false }) { world in
            try await body(world, TemplateMessageQueue(database: world.server.db, clock: world.clock))
        }
    }

    @Test func aBatchIsQueuedInOrderAndAKeyAnswersItsFirstMessage() async throws {
        try await Self.withQueue { world, queue in
            // 1,203 recipients: more than two insert statements' worth, with one openid twice under the key.
            let openIDs = (0..<1_202).map { "o-\($0)" } + ["o-7"]
            let first = try await queue.enqueue(batch: openIDs.map { Self.message(to: $0, key: "sale-1") })
            #expect(first.count == 1_203)
            #expect(first.prefix(1_202).allSatisfy { $0.created && $0.status == "queued" })
            #expect(first[1_202] == .init(id: first[7].id, status: "queued", created: false), "a repeat answers its first")
            #expect(Set(first.map(\.id)).count == 1_202)
            #expect(try await TemplateMessageRecord.query(on: world.server.db).count() == 1_202)
            let row = try #require(try await TemplateMessageRecord.find(first[3].id, on: world.server.db))
            #expect(row.openID == "o-3" && row.clientMessageID == "sale-1" && row.idempotencyKey == "sale-1")
            #expect(row.status == "queued" && row.attempts == 0)
            #expect(abs(row.nextAttemptAt.timeIntervalSince(world.clock.now())) < 0.001, "due now")
            #expect(try JSONDecoder().decode(TemplateMessage.self, from: Data(row.payload.utf8)).toUser == "o-3")

            // The same key again, with two new recipients: the old ones answer as they are, the new ones are queued.
            let sent = try #require(try await TemplateMessageRecord.find(first[0].id, on: world.server.db))
            sent.status = "sent"
            try await sent.save(on: world.server.db)
            let again = try await queue.enqueue(batch: ["o-0", "o-1", "new-1", "new-2"].map { Self.message(to: $0, key: "sale-1") })
            #expect(again[0] == .init(id: first[0].id, status: "sent", created: false))
            #expect(again[1] == .init(id: first[1].id, status: "queued", created: false))
            #expect(again[2].created && again[3].created)
            // Without a key every entry is a message of its own, its client_msg_id its row id.
            let unkeyed = try await queue.enqueue(batch: [Self.message(to: "o-0", key: nil), Self.message(to: "o-0", key: nil)])
            #expect(unkeyed.allSatisfy(\.created) && unkeyed[0].id != unkeyed[1].id)
            let plain = try #require(try await TemplateMessageRecord.find(unkeyed[1].id, on: world.server.db))
            #expect(plain.clientMessageID == unkeyed[1].id.uuidString.lowercased())
            #expect(try await TemplateMessageRecord.query(on: world.server.db).count() == 1_206)
        }
    }

    @Test func concurrentRepeatsOfOneKeyedBatchQueueEachRecipientOnce() async throws {
        try await Self.withQueue { world, queue in
            let batch = (0..<300).map { Self.message(to: "c-\($0)", key: "flash-sale") }
            let answers = try await withThrowingTaskGroup(of: [TemplateMessageQueue.Queued].self) { group in
                for _ in 0..<6 { group.addTask { try await queue.enqueue(batch: batch) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(try await TemplateMessageRecord.query(on: world.server.db).count() == 300)
            let ids = answers[0].map(\.id)
            #expect(answers.allSatisfy { $0.map(\.id) == ids }, "every request names the same 300 messages")
            #expect(answers.map { $0.filter(\.created).count }.reduce(0, +) == 300, "each message created once")
        }
    }

    /// The single-message path is a batch of one: eight requests at once with one key are one message, created once.
    @Test func concurrentRepeatsOfOneKeyedMessageQueueItOnce() async throws {
        try await Self.withQueue { world, queue in
            let message = Self.message(to: "o-single", key: "order-7-shipped")
            let answers = try await withThrowingTaskGroup(of: (UUID, Bool).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let (record, created) = try await queue.enqueue(message)
                        return (try record.requireID(), created)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(answers.map(\.0)).count == 1, "every request names the same message")
            #expect(answers.filter(\.1).count == 1, "created once")
            #expect(try await TemplateMessageRecord.query(on: world.server.db).count() == 1)
        }
    }
}
