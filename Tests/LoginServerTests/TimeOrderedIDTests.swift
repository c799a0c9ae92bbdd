import Fluent
import Foundation
import SQLKit
import Testing
@testable import LoginServer

/// The version 7 ids of the tables that grow at their end (issue 17): the layout RFC 9562 gives them, and that the
/// stores that insert into those tables use them.
@Suite("time-ordered ids")
struct TimeOrderedIDTests {
    /// Hands out the given words in turn.
    struct ScriptedWords: RandomNumberGenerator {
        var words: [UInt64]
        mutating func next() -> UInt64 { words.removeFirst() }
    }

    static func bytes(_ id: UUID) -> [UInt8] { withUnsafeBytes(of: id.uuid) { Array($0) } }

    /// The milliseconds since 1970 in the first 48 bits.
    static func milliseconds(_ id: UUID) -> UInt64 { bytes(id).prefix(6).reduce(0) { $0 << 8 | UInt64($1) } }

    static func isVersion7(_ id: UUID) -> Bool { bytes(id)[6] >> 4 == 7 && bytes(id)[8] >> 6 == 0b10 }

    @Test func theLayoutIsTimeThenVersionThenRandomBits() {
        // 2026-11-30T12:00:00.123Z is 1_796_040_000_123 ms = 0x01A2_2C53_827B.
        let date = Date(timeIntervalSince1970: 1_796_040_000.123_4)
        var words = ScriptedWords(words: [0xFFFF_FFFF_FFFF_FABC, 0xDEAD_BEEF_0123_4567])
        let id = UUID.timeOrdered(at: date, using: &words)
        #expect(Self.milliseconds(id) == 1_796_040_000_123)
        #expect(Self.bytes(id)[6...7] == [0x7A, 0xBC], "version 7, then rand_a's 12 low bits of the first word")
        #expect(Self.bytes(id)[8...] == [0x9E, 0xAD, 0xBE, 0xEF, 0x01, 0x23, 0x45, 0x67],
                "variant 10, then the second word's 62 low bits")
        #expect(id.uuidString.hasPrefix("01A22C53-827B-7ABC-9EAD-"))
        #expect(words.words.isEmpty)
    }

    @Test func idsFollowTheClockAndStayInRange() {
        let start = Date(timeIntervalSince1970: 1_796_040_000)
        // Half a millisecond in, so no rounding of the Double moves a time into its neighbour's millisecond.
        let ids = (0..<1_000).map { UUID.timeOrdered(at: start.addingTimeInterval((Double($0) + 0.5) / 1000)) }
        #expect(ids.allSatisfy(Self.isVersion7))
        #expect(ids.map(Self.milliseconds) == (0..<1_000).map { 1_796_040_000_000 + UInt64($0) })
        // The byte order — what SQLite's BLOB and PostgreSQL's uuid compare — is the time's order.
        #expect(ids.map(\.uuidString) == ids.map(\.uuidString).sorted())
        #expect(Self.milliseconds(.timeOrdered(at: Date(timeIntervalSince1970: -5))) == 0)
        #expect(Self.milliseconds(.timeOrdered(at: Date(timeIntervalSince1970: .nan))) == 0)
        #expect(Self.milliseconds(.timeOrdered(at: .distantFuture)) == 64_092_211_200_000, "the year 4001 fits")
        #expect(Self.milliseconds(.timeOrdered(at: Date(timeIntervalSince1970: 1e13))) == UUID.maxMilliseconds)
        #expect(Set((0..<1_000).map { _ in UUID.timeOrdered(at: start) }).count == 1_000, "random bits within one ms")
    }

    @Test func theGrowingTablesGetIdsOfTheirRowsTime() async throws {
        try await LoginWorld.with(adjust: { $0.messageQueue.workerEnabled = false }) { world in
            let db = world.server.db
            let queued = try await TemplateMessageQueue(database: db, clock: world.clock).enqueue(
                batch: ["o-1", "o-2"].map { TemplateBatchTests.message(to: $0, key: nil) })
            let now = UInt64((world.clock.now().timeIntervalSince1970 * 1000).rounded(.down))
            #expect(queued.allSatisfy { Self.isVersion7($0.id) && Self.milliseconds($0.id) == now })

            let received = Date(timeIntervalSince1970: 1_796_040_000.5)
            let event = InboundEventStore.Row(dedupKey: "event:o-1:1:subscribe", appID: "wx-app", openID: "o-1",
                                              msgType: "event", event: "subscribe", fields: "{}", createTime: 1,
                                              msgID: nil, receivedAt: received)
            #expect(try await InboundEventStore.insert([event], on: db) == [true])
            let nonce = DatabaseNonceStore.Row(nonce: "n-1", timestamp: 1_796_040_000, seenAt: received)
            #expect(try await DatabaseNonceStore.insert([nonce], on: db) == [true])
            #expect(try await PushRelayStore(database: db).claim(key: "relay-1", at: received))
            for table in ["inbound_events", "push_nonces", "push_relays"] {
                let id = try #require(try await db.sql().raw("SELECT id FROM \(ident: table)").first()?
                    .decode(column: "id", as: UUID.self), "\(table)")
                #expect(Self.isVersion7(id) && Self.milliseconds(id) == 1_796_040_000_500, "\(table): \(id)")
            }
        }
    }
}
