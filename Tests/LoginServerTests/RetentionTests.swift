import Fluent
import Foundation
import SQLKit
import Testing
@testable import LoginServer

/// Expired login states, code challenges, sessions and outbox entries are removed a day after they expired.
@Suite(.serialized) struct RetentionTests {
    @Test func expiredRowsAreSweptAndLiveOnesKept() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            let form = try await browser.get("\(LoginWorld.serverBase)/bind")
            let csrf = try #require(form.input("csrf"))
            _ = try await browser.post("\(LoginWorld.serverBase)/bind/code", form: [("contact", "13800138000"), ("csrf", csrf)])
            #expect(try await world.count(OAuthStateRecord.self) == 1)
            #expect(try await world.count(BindChallenge.self) == 1)
            #expect(try await world.count(OutboxMessage.self) == 1)

            let sweeper = RetentionSweeper(database: world.server.db, clock: world.clock)
            #expect(try await sweeper.sweep() == RetentionSweeper.Swept(), "nothing has expired yet")

            world.clock.advance(by: 2 * 86_400)
            _ = try await world.browser().startPCLogin()  // a live state, created now
            let swept = try await sweeper.sweep()
            // The code's two limit counters (its address, per hour and per day; no account had the address).
            #expect(swept == RetentionSweeper.Swept(loginStates: 1, bindChallenges: 1, outbox: 1, bindLimitCounters: 2))
            #expect(try await world.count(OAuthStateRecord.self) == 1, "the live state stays")
            #expect(try await world.count(BindChallenge.self) == 0)
            #expect(try await world.count(WeChatIdentity.self) == 1, "identities are never swept")
            #expect(try await world.count(table: "login_sessions") == 1, "the pending session lives 7 days")

            world.clock.advance(by: 7 * 86_400)
            let later = try await sweeper.sweep()
            #expect(later.sessions == 1)
            #expect(try await world.count(table: "login_sessions") == 0)
        }
    }

    @Test func pushesFromWeChatGoAfterThirtyDays() async throws {
        try await LoginWorld.with { world in
            let pushes = InboundEventStore(database: world.server.db)
            for (key, age) in [("old", 31.0 * 86_400), ("recent", 29.0 * 86_400)] {
                let at = world.clock.now().addingTimeInterval(-age)
                _ = try await pushes.insert(.init(
                    dedupKey: key, appID: "wx-test", openID: "o-\(key)", msgType: "text", event: nil, fields: "{}",
                    createTime: Int64(at.timeIntervalSince1970), msgID: nil, receivedAt: at))
            }
            // (The application's own sweep may run first; either way the old push goes and the recent one stays.)
            _ = try await RetentionSweeper(database: world.server.db, clock: world.clock).sweep()
            let left = try await world.server.db.sql().raw("SELECT dedup_key FROM inbound_events").all()
                .map { try $0.decode(column: "dedup_key", as: String.self) }
            #expect(left == ["recent"])
            #expect(try await InboundEventStore.sweep(receivedBefore: world.clock.now(), batch: 1, on: world.server.db) == 1,
                    "batches until none is left")
        }
    }
}
