import Foundation
import Testing

@testable import WeChatKit

@Suite struct InMemoryAccessTokenStoreTests {
    let appID = "wx520c15f417810387"

    func token(_ value: String, _ clock: ManualClock) -> AccessToken {
        AccessToken(value: value, fetchedAt: clock.now(), expiresAt: clock.now().addingTimeInterval(7200))
    }

    @Test func compareAndSwap() async throws {
        let clock = ManualClock()
        let store: any AccessTokenStore = InMemoryAccessTokenStore(clock: clock)
        #expect(try await store.replace(appID: appID, ifCurrent: nil, with: token("A", clock)))
        #expect(try await store.replace(appID: appID, ifCurrent: nil, with: token("B", clock)) == false)
        #expect(try await store.replace(appID: appID, ifCurrent: "X", with: nil) == false)
        #expect(try await store.load(appID: appID)?.value == "A")
        #expect(try await store.replace(appID: appID, ifCurrent: "A", with: nil))
        #expect(try await store.load(appID: appID) == nil)
        #expect(try await store.load(appID: "other") == nil)
    }

    @Test func leasesExcludeOtherHoldersUntilExpiry() async throws {
        let clock = ManualClock()
        let store: any AccessTokenStore = InMemoryAccessTokenStore(clock: clock)
        #expect(try await store.acquireRefreshLease(appID: appID, holder: "a", duration: .seconds(30)))
        #expect(try await store.acquireRefreshLease(appID: appID, holder: "b", duration: .seconds(30)) == false)
        #expect(try await store.acquireRefreshLease(appID: appID, holder: "a", duration: .seconds(30)))
        #expect(try await store.acquireRefreshLease(appID: "other-app", holder: "b", duration: .seconds(30)))
        try await store.releaseRefreshLease(appID: appID, holder: "b")
        #expect(try await store.acquireRefreshLease(appID: appID, holder: "b", duration: .seconds(30)) == false)
        clock.advance(by: .seconds(30))
        #expect(try await store.acquireRefreshLease(appID: appID, holder: "b", duration: .seconds(30)))
        try await store.releaseRefreshLease(appID: appID, holder: "b")
        #expect(try await store.acquireRefreshLease(appID: appID, holder: "a", duration: .seconds(30)))
    }

    @Test func freshnessHonoursTheMargin() {
        let clock = ManualClock()
        let token = token("A", clock)
        #expect(token.isFresh(at: clock.now().addingTimeInterval(6899), refreshMargin: .seconds(300)))
        #expect(!token.isFresh(at: clock.now().addingTimeInterval(6900), refreshMargin: .seconds(300)))
        #expect(token.isValid(at: clock.now().addingTimeInterval(7199)))
        #expect(!token.isValid(at: clock.now().addingTimeInterval(7200)))
    }
}
