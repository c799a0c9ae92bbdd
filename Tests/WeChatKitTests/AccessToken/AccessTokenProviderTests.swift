import Foundation
import Testing

@testable import WeChatKit

@Suite struct AccessTokenProviderTests {
    /// A fake `cgi-bin/token` that mints `TOKEN_1`, `TOKEN_2`, … with `expires_in` 7200.
    static func minting(expiresIn: Int = 7200) -> FakeTransport {
        let counter = Counter()
        return FakeTransport { _ in
            .json(#"{"access_token":"TOKEN_\#(counter.increment())","expires_in":\#(expiresIn)}"#, contentType: "application/json; encoding=utf-8")
        }
    }

    @Test func fetchesOnceThenServesTheCache() async throws {
        let transport = Self.minting()
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        let first = try await provider.token()
        let second = try await provider.token()
        #expect(first.value == "TOKEN_1")
        #expect(second == first)
        #expect(first.expiresAt == clock.now().addingTimeInterval(7200))
        #expect(await provider.fetchCount == 1)
        let request = try #require(await transport.requests.first)
        #expect(
            request.url
                == "http://127.0.0.1:8080/cgi-bin/token?grant_type=client_credential&appid=wx520c15f417810387&secret=APP_SECRET_0123456789abcdef"
        )
    }

    @Test func stableModePostsJSON() async throws {
        let transport = Self.minting()
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock), mode: .stable)
        _ = try await provider.token()
        let request = try #require(await transport.requests.first)
        #expect(request.method == .POST)
        #expect(request.url == "http://127.0.0.1:8080/cgi-bin/stable_token")
        #expect(request.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
        let body = request.jsonBody
        #expect(body["grant_type"] as? String == "client_credential")
        #expect(body["appid"] as? String == "wx520c15f417810387")
        #expect(body["secret"] as? String == "APP_SECRET_0123456789abcdef")
        #expect(body["force_refresh"] as? Bool == false)
    }

    @Test func stableModeForcesRefreshOnlyAfterAnInvalidationWhenAsked() async throws {
        let transport = Self.minting()
        let clock = ManualClock()
        let provider = TestClients.provider(
            transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock),
            mode: .stable(forceRefreshAfterInvalidation: true))
        let result = try await provider.withAccessToken { token in
            if token == "TOKEN_1" { throw WeChatError(.api(.invalidCredential)) }
            return token
        }
        #expect(result == "TOKEN_2")
        let bodies = await transport.requests.map { $0.jsonBody["force_refresh"] as? Bool }
        #expect(bodies == [false, true])
    }

    @Test func refreshesAheadOfExpiry() async throws {
        let transport = Self.minting()
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        #expect(try await provider.token().value == "TOKEN_1")
        clock.advance(by: .seconds(7200 - 301))
        #expect(try await provider.token().value == "TOKEN_1")
        #expect(await provider.fetchCount == 1)
        clock.advance(by: .seconds(2))
        #expect(try await provider.token().value == "TOKEN_2")
        #expect(await provider.fetchCount == 2)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func shortLivedTokensAreNotRefetchedOnEveryCall() async throws {
        let transport = Self.minting(expiresIn: 300)
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        _ = try await provider.token()
        clock.advance(by: .seconds(100))
        _ = try await provider.token()
        #expect(await provider.fetchCount == 1)
        clock.advance(by: .seconds(60))
        _ = try await provider.token()
        #expect(await provider.fetchCount == 2)
    }

    @Test func failedRefreshServesTheStillValidToken() async throws {
        let counter = Counter()
        let transport = FakeTransport { _ in
            counter.increment() == 1
                ? .json(#"{"access_token":"TOKEN_1","expires_in":7200}"#)
                : .json(#"{"errcode":45009,"errmsg":"reach max api daily quota limit"}"#)
        }
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        _ = try await provider.token()
        clock.advance(by: .seconds(7000))
        #expect(try await provider.token().value == "TOKEN_1")
        clock.advance(by: .seconds(300))
        await #expect(throws: WeChatError.api(.dailyQuotaReached)) { try await provider.token() }
    }

    @Test func nonTokenErrorsAreNotRetried() async throws {
        let transport = Self.minting()
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        let calls = Counter()
        await #expect(throws: WeChatError.api(.requireSubscribe)) {
            try await provider.withAccessToken { _ -> Int in
                calls.increment()
                throw WeChatError(.api(.requireSubscribe))
            }
        }
        #expect(calls.current == 1)
        #expect(await provider.fetchCount == 1)
    }

    @Test func tokenErrorsAreRetriedExactlyOnce() async throws {
        let transport = Self.minting()
        let clock = ManualClock()
        let provider = TestClients.provider(transport, clock: clock, store: InMemoryAccessTokenStore(clock: clock))
        let calls = Counter()
        await #expect(throws: WeChatError.api(.accessTokenExpired)) {
            try await provider.withAccessToken { _ -> Int in
                calls.increment()
                throw WeChatError(.api(.accessTokenExpired))
            }
        }
        #expect(calls.current == 2)
        #expect(await provider.fetchCount == 2)
    }

    @Test func waitsForAnotherHoldersLeaseThenTakesOverWhenItExpires() async throws {
        let transport = Self.minting()
        let clock = ManualClock()
        let store: any AccessTokenStore = InMemoryAccessTokenStore(clock: clock)
        #expect(try await store.acquireRefreshLease(appID: TestClients.credentials.appID, holder: "crashed", duration: .seconds(30)))
        let provider = TestClients.provider(transport, clock: clock, store: store)
        #expect(try await provider.token().value == "TOKEN_1")
        #expect(await provider.fetchCount == 1)
        let waited = clock.sleeps.reduce(Duration.zero, +)
        #expect(waited >= .seconds(30) && waited < .seconds(31))
    }

    @Test func givesUpWaitingAfterTheBound() async throws {
        let transport = Self.minting()
        let clock = ManualClock()
        let provider = AccessTokenProvider(
            credentials: TestClients.credentials, store: NeverLeasingStore(),
            configuration: .init(endpoint: .sandbox(baseURL: "http://127.0.0.1:1"), leaseWaitTimeout: .seconds(5)),
            transport: transport, clock: clock, logger: .silent)
        await #expect(throws: WeChatError.timeout) { try await provider.token() }
        #expect(await transport.requestCount == 0)
        #expect(clock.sleeps.count == 20)
    }
}

/// A store whose lease is always held by someone else and which never gets a token.
struct NeverLeasingStore: AccessTokenStore {
    func load(appID: String) async throws -> AccessToken? { nil }
    func save(_ token: AccessToken, appID: String) async throws {}
    func replace(appID: String, ifCurrent expected: String?, with newToken: AccessToken?) async throws -> Bool { false }
    func acquireRefreshLease(appID: String, holder: String, duration: Duration) async throws -> Bool { false }
    func releaseRefreshLease(appID: String, holder: String) async throws {}
}

/// A store that works except that `save` always fails (a database outage after the fetch).
actor SaveFailingStore: AccessTokenStore {
    struct Outage: Error {}
    private let inner: InMemoryAccessTokenStore

    init(clock: ManualClock) { inner = InMemoryAccessTokenStore(clock: clock) }

    func load(appID: String) async throws -> AccessToken? { await inner.load(appID: appID) }
    func save(_ token: AccessToken, appID: String) async throws { throw Outage() }
    func replace(appID: String, ifCurrent expected: String?, with newToken: AccessToken?) async throws -> Bool {
        await inner.replace(appID: appID, ifCurrent: expected, with: newToken)
    }
    func acquireRefreshLease(appID: String, holder: String, duration: Duration) async throws -> Bool {
        await inner.acquireRefreshLease(appID: appID, holder: holder, duration: duration)
    }
    func releaseRefreshLease(appID: String, holder: String) async throws {
        await inner.releaseRefreshLease(appID: appID, holder: holder)
    }
}

@Suite struct AccessTokenProviderStoreFailureTests {
    @Test func aFailedSaveStillServesTheFetchedTokenAndReleasesTheLease() async throws {
        let transport = AccessTokenProviderTests.minting()
        let clock = ManualClock()
        let store = SaveFailingStore(clock: clock)
        let provider = TestClients.provider(transport, clock: clock, store: store, holderID: "me")
        #expect(try await provider.token().value == "TOKEN_1")
        #expect(try await provider.token().value == "TOKEN_1")
        #expect(await provider.fetchCount == 1)
        #expect(try await store.acquireRefreshLease(appID: provider.appID, holder: "someone-else", duration: .seconds(1)))
    }
}
