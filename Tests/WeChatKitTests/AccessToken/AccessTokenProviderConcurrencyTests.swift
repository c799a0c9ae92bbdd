import Foundation
import Testing

@testable import WeChatKit

@Suite struct AccessTokenProviderConcurrencyTests {
    /// A slow fake `cgi-bin/token`: it yields many times before answering, so concurrent callers pile up.
    static func slowMinting() -> FakeTransport {
        let counter = Counter()
        return FakeTransport { _ in
            for _ in 0..<200 { await Task.yield() }
            return .json(#"{"access_token":"TOKEN_\#(counter.increment())","expires_in":7200}"#)
        }
    }

    @Test func thousandConcurrentCallersCauseOneFetch() async throws {
        let transport = Self.slowMinting()
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<1_000 { group.addTask { try await provider.token().value } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(values.count == 1_000)
        #expect(Set(values) == ["TOKEN_1"])
        #expect(await transport.requestCount == 1)
        #expect(await provider.fetchCount == 1)
    }

    @Test func staleTokenCausesOneRefetchAndOneRetry() async throws {
        let transport = Self.slowMinting()
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        let seen = TokenLog()
        let result = try await provider.withAccessToken { token in
            seen.append(token)
            if token == "TOKEN_1" { throw WeChatError(.api(.invalidCredential), errmsg: "invalid credential rid: a-b-c") }
            return "sent with \(token)"
        }
        #expect(result == "sent with TOKEN_2")
        #expect(seen.values == ["TOKEN_1", "TOKEN_2"])
        #expect(await provider.fetchCount == 2)
        #expect(await transport.requestCount == 2)
    }

    @Test func concurrentFailuresOnTheSameStaleTokenCauseOneRefetch() async throws {
        let transport = Self.slowMinting()
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        _ = try await provider.token()
        let seen = TokenLog()
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<200 {
                group.addTask {
                    try await provider.withAccessToken { token in
                        seen.append(token)
                        if token == "TOKEN_1" { throw WeChatError(.api(.invalidCredential)) }
                        return token
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(results) == ["TOKEN_2"])
        #expect(await provider.fetchCount == 2)
        #expect(seen.values.filter { $0 == "TOKEN_2" }.count == 200)
        #expect(seen.values.count <= 400)
    }

    @Test func failureOnAnAlreadyReplacedTokenCausesNoRefetch() async throws {
        let transport = Self.slowMinting()
        let clock = ManualClock()
        let store: any AccessTokenStore = InMemoryAccessTokenStore(clock: clock)
        let provider = TestClients.provider(transport, clock: clock, store: store)
        let stale = try await provider.token()
        // Another instance refreshed meanwhile: the store now holds a newer token.
        let newer = AccessToken(value: "TOKEN_FROM_PEER", fetchedAt: clock.now(), expiresAt: clock.now().addingTimeInterval(7200))
        #expect(try await store.replace(appID: provider.appID, ifCurrent: stale.value, with: newer))
        let seen = TokenLog()
        let result = try await provider.withAccessToken { token in
            seen.append(token)
            if token == stale.value { throw WeChatError(.api(.invalidCredential)) }
            return token
        }
        #expect(result == "TOKEN_FROM_PEER")
        #expect(seen.values == [stale.value, "TOKEN_FROM_PEER"])
        #expect(await provider.fetchCount == 1)
        #expect(try await store.load(appID: provider.appID) == newer)
    }

    @Test func invalidateLeavesAReplacedTokenAlone() async throws {
        let transport = Self.slowMinting()
        let clock = ManualClock()
        let store: any AccessTokenStore = InMemoryAccessTokenStore(clock: clock)
        let provider = TestClients.provider(transport, clock: clock, store: store)
        _ = try await provider.token()
        await provider.invalidate("SOME_OLDER_TOKEN")
        #expect(try await provider.token().value == "TOKEN_1")
        #expect(try await store.load(appID: provider.appID)?.value == "TOKEN_1")
        #expect(await provider.fetchCount == 1)
    }

    @Test func twoProvidersSharingAStoreFetchOnce() async throws {
        let clock = ManualClock()
        // The upstream answers only once the other instance is polling the store, so the two really overlap.
        let transport = FakeTransport { _ in
            while clock.sleeps.isEmpty { await Task.yield() }
            return .json(#"{"access_token":"TOKEN_1","expires_in":7200}"#)
        }
        let store: any AccessTokenStore = InMemoryAccessTokenStore(clock: clock)
        let first = TestClients.provider(transport, clock: clock, store: store, holderID: "instance-a")
        let second = TestClients.provider(transport, clock: clock, store: store, holderID: "instance-b")
        let values = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<400 {
                let provider = index.isMultiple(of: 2) ? first : second
                group.addTask { try await provider.token().value }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(values) == ["TOKEN_1"])
        #expect(await transport.requestCount == 1)
        #expect(await first.fetchCount + second.fetchCount == 1)
    }

    @Test func twoProvidersRecoverFromOneStaleTokenWithOneRefetch() async throws {
        let transport = Self.slowMinting()
        let clock = ManualClock()
        let store: any AccessTokenStore = InMemoryAccessTokenStore(clock: clock)
        let first = TestClients.provider(transport, clock: clock, store: store, holderID: "instance-a")
        let second = TestClients.provider(transport, clock: clock, store: store, holderID: "instance-b")
        _ = try await first.token()
        _ = try await second.token()
        let body: @Sendable (String) async throws -> String = { token in
            if token == "TOKEN_1" { throw WeChatError(.api(.invalidCredential)) }
            return token
        }
        #expect(try await first.withAccessToken(body) == "TOKEN_2")
        #expect(try await second.withAccessToken(body) == "TOKEN_2")
        #expect(await transport.requestCount == 2)
    }
}
