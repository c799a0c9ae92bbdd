import Fluent
import Foundation
import SQLKit
import WeChatKit

extension TemplateMessageQueue {
    /// What became of one message of a batch: its row, its status, and whether this call created it.
    struct Queued: Sendable, Equatable {
        let id: UUID
        let status: String
        let created: Bool
    }

    /// Rows per multi-row `INSERT` (14 values each: under PostgreSQL's and SQLite's bind limits).
    static let batchChunk = 500

    /// Queues a campaign's messages in one transaction, in order: keyed messages already queued (an earlier request
    /// with the same idempotency key, to the same openid) are answered as they are, a key repeated within `batch`
    /// answers its first message, and every other message is inserted, `batchChunk` rows per statement.
    ///
    /// One message at a time, a 1,000-recipient batch was 1,000 transactions of a reflected model insert: about
    /// 0.8 ms of server CPU per message at a million users (docs/BENCHMARKS.md, "Scale"). A row that meets the
    /// unique index here was inserted by a concurrent request with the same key: it is read back.
    func enqueue(batch: [NewMessage]) async throws -> [Queued] {
        guard !batch.isEmpty else { return [] }
        return try await database.writeTransaction { database in
            try await TemplateMessageQueue(database: database, clock: clock, deliveryReports: deliveryReports)
                .insert(batch)
        }
    }

    /// Identifies a keyed message: its app, key and openid (the unique index).
    private struct Key: Hashable {
        let appID: String
        let idempotencyKey: String
        let openID: String

        init(appID: String, idempotencyKey: String, openID: String) {
            (self.appID, self.idempotencyKey, self.openID) = (appID, idempotencyKey, openID)
        }

        init?(_ new: NewMessage) {
            guard let key = new.idempotencyKey else { return nil }
            (appID, idempotencyKey, openID) = (new.appID, key, new.message.toUser)
        }
    }

    private func insert(_ batch: [NewMessage]) async throws -> [Queued] {
        let sql = try database.sql()
        let now = clock.now()
        var answers = [Queued?](repeating: nil, count: batch.count)
        let keyed = batch.compactMap(Key.init)
        var existing = try await existingRows(keyed)
        var firstOfKey: [Key: Int] = [:]
        var rows: [(index: Int, id: UUID, values: SQLQueryString)] = []
        for (index, new) in batch.enumerated() {
            if let key = Key(new) {
                if let found = existing[key] { answers[index] = found; continue }
                if firstOfKey[key] != nil { continue }
                firstOfKey[key] = index
            }
            let id = UUID.timeOrdered(at: now)
            var message = new.message
            message.clientMessageID = new.idempotencyKey ?? id.uuidString.lowercased()
            let payload = String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
            let values: [any Encodable & Sendable] = [
                id, new.appID, new.userID, message.toUser, message.templateID, payload, message.clientMessageID ?? "",
                new.idempotencyKey, new.batchID, TemplateMessageStatus.queued.rawValue, 0, now, now, now,
            ]
            rows.append((index, id, "(\(binds: values))"))
        }
        var inserted = Set<UUID>()
        for chunk in rows.chunks(of: Self.batchChunk) {
            let returned = try await sql.raw("""
                INSERT INTO template_messages (id, app_id, user_id, openid, template_id, payload, client_msg_id,
                    idempotency_key, batch_id, status, attempts, next_attempt_at, created_at, updated_at)
                VALUES \(chunk.map(\.values).joined(separator: ", "))
                ON CONFLICT DO NOTHING RETURNING id
                """).all()
            for row in returned { inserted.insert(try row.decode(column: "id", as: UUID.self)) }
        }
        var raced: [Key] = []
        for row in rows {
            if inserted.contains(row.id) {
                answers[row.index] = Queued(id: row.id, status: TemplateMessageStatus.queued.rawValue, created: true)
            } else if let key = Key(batch[row.index]) {
                raced.append(key)
            } else {
                throw UnexpectedInsertConflict()
            }
        }
        if !raced.isEmpty {
            existing = try await existingRows(raced)
            for key in raced {
                guard let index = firstOfKey[key], let found = existing[key] else { throw UnexpectedInsertConflict() }
                answers[index] = found
            }
        }
        // A key repeated within the batch answers as its first message did (not created by this entry).
        for (index, new) in batch.enumerated() where answers[index] == nil {
            guard let key = Key(new), let first = firstOfKey[key], let answer = answers[first] else {
                throw UnexpectedInsertConflict()
            }
            answers[index] = Queued(id: answer.id, status: answer.status, created: false)
        }
        return answers.compactMap { $0 }
    }

    /// The rows already queued under `keys`, one statement per app and key (a batch shares one key).
    private func existingRows(_ keys: [Key]) async throws -> [Key: Queued] {
        guard !keys.isEmpty else { return [:] }
        let sql = try database.sql()
        var found: [Key: Queued] = [:]
        let groups = Dictionary(grouping: keys) { [$0.appID, $0.idempotencyKey] }
        for (group, members) in groups {
            let openIDs = Array(Set(members.map(\.openID)))
            for chunk in openIDs.chunks(of: Self.batchChunk).map(Array.init) {
                let rows = try await sql.raw("""
                    SELECT id, openid, status FROM template_messages
                    WHERE app_id = \(bind: group[0]) AND idempotency_key = \(bind: group[1]) AND openid IN (\(binds: chunk))
                    """).all()
                for row in rows {
                    let key = Key(appID: group[0], idempotencyKey: group[1], openID: try row.decode(column: "openid", as: String.self))
                    found[key] = Queued(id: try row.decode(column: "id", as: UUID.self),
                                        status: try row.decode(column: "status", as: String.self), created: false)
                }
            }
        }
        return found
    }
}

/// An insert met a unique index without an idempotency key to explain it (a random id collided): never expected.
struct UnexpectedInsertConflict: Error, CustomStringConvertible {
    var description: String { "a template message insert met a unique index it had no key for" }
}
