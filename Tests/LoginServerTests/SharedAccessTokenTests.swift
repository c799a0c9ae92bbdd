import Fluent
import Foundation
import Logging
import NIOHTTP1
import Testing
import WeChatKit
import WeChatVapor
@testable import LoginServer

/// One access_token for the whole deployment: providers on separate "instances" share it through the database.
@Suite(.serialized) struct SharedAccessTokenTests {
    /// A provider as another instance of the server would build it: its own actor, the same database.
    func instance(_ world: LoginWorld) -> AccessTokenProvider {
        let services = world.services
        let configuration = services.configuration
        return AccessTokenProvider(
            credentials: configuration.officialAccount!,
            store: DatabaseAccessTokenStore(database: world.server.db, cipher: services.cipher, clock: services.clock,
                                            logger: Logger(label: "test")),
            configuration: .init(endpoint: configuration.endpoint, leasePollInterval: .milliseconds(20)),
            httpClient: world.http)
    }

    @Test func threeInstancesUnderConcurrentDemandFetchOnce() async throws {
        try await LoginWorld.with { world in
            let instances = [try #require(world.services.weChat.accessTokens), instance(world), instance(world)]
            let values = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<90 {
                    let provider = instances[index % instances.count]
                    group.addTask { try await provider.token().value }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(values.count == 1, "every instance serves the same token")
            #expect(try await world.calls("/cgi-bin/token") == 1)
            let row = try #require(try await ServerAccessTokenRecord.find(world.officialAccountID, on: world.server.db))
            #expect(row.tokenSealed?.contains(try #require(values.first)) == false, "sealed at rest")
            #expect(row.fetches == 1)
            #expect(row.leaseHolder == nil, "the lease is given back")
        }
    }

    @Test func aSupersededTokenIsRefetchedOnceForEveryInstance() async throws {
        try await LoginWorld.with { world in
            let a = try #require(world.services.weChat.accessTokens)
            let b = instance(world)
            let first = try await a.token().value
            #expect(try await b.token().value == first)
            // Someone outside the deployment fetches a token: ours dies after WeChat's 5-minute overlap.
            let outsider = AccessTokenProvider(
                credentials: world.services.configuration.officialAccount!,
                configuration: .init(endpoint: .sandbox(baseURL: world.sandboxBase)), httpClient: world.http)
            _ = try await outsider.token()
            try await world.control(.POST, "clock/advance", json: #"{"seconds":301}"#)

            let sender = TemplateMessageClient(
                tokenProvider: a, configuration: .init(endpoint: .sandbox(baseURL: world.sandboxBase)),
                httpClient: world.http)
            let openID = world.sandbox.openID(userID: "u1", appID: world.officialAccountID)
            let message = TemplateMessage(toUser: openID, templateID: "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
                                          data: [.init("first", "你好")])
            _ = try await sender.send(message)
            #expect(try await world.calls("/cgi-bin/token") == 3, "ours, the outsider's, and one refetch")
            // Instance b still caches the dead token: its send gets 40001, its compare-and-swap finds the token already
            // replaced, and it picks the replacement up from the database instead of fetching again.
            let otherSender = TemplateMessageClient(
                tokenProvider: b, configuration: .init(endpoint: .sandbox(baseURL: world.sandboxBase)),
                httpClient: world.http)
            _ = try await otherSender.send(message)
            let stored = try await DatabaseAccessTokenStore(
                database: world.server.db, cipher: world.services.cipher, clock: world.clock,
                logger: Logger(label: "test")).load(appID: world.officialAccountID)
            #expect(try await b.token().value == stored?.value)
            #expect(stored?.value != first)
            #expect(await b.fetchCount == 0, "instance b never fetched")
            #expect(try await world.calls("/cgi-bin/token") == 3)
        }
    }

    @Test func compareAndSwapLeavesAReplacedTokenAlone() async throws {
        try await LoginWorld.with { world in
            let store = DatabaseAccessTokenStore(
                database: world.server.db, cipher: world.services.cipher, clock: world.clock,
                logger: Logger(label: "test"))
            let now = world.clock.now()
            let old = AccessToken(value: "old-token-value", fetchedAt: now, expiresAt: now.addingTimeInterval(7200))
            let new = AccessToken(value: "new-token-value", fetchedAt: now, expiresAt: now.addingTimeInterval(7200))
            try await store.save(old, appID: "wxapp")
            #expect(try await store.replace(appID: "wxapp", ifCurrent: "old-token-value", with: new))
            #expect(try await store.replace(appID: "wxapp", ifCurrent: "old-token-value", with: nil) == false)
            #expect(try await store.load(appID: "wxapp")?.value == "new-token-value")
            #expect(try await store.acquireRefreshLease(appID: "wxapp", holder: "a", duration: .seconds(60)))
            #expect(try await store.acquireRefreshLease(appID: "wxapp", holder: "b", duration: .seconds(60)) == false)
            world.clock.advance(by: 61)
            #expect(try await store.acquireRefreshLease(appID: "wxapp", holder: "b", duration: .seconds(60)),
                    "an abandoned lease expires")
            try await store.releaseRefreshLease(appID: "wxapp", holder: "a")
            #expect(try await store.acquireRefreshLease(appID: "wxapp", holder: "c", duration: .seconds(60)) == false,
                    "only the holder releases")
        }
    }

    @Test func theAdminAPIShowsTodaysFetches() async throws {
        try await LoginWorld.with(adjust: { $0.adminToken = AdminAPITests.token }) { world in
            _ = try await #require(world.services.weChat.accessTokens).token()
            var headers = HTTPHeaders()
            headers.add(name: .authorization, value: "Bearer \(AdminAPITests.token)")
            let response = try await world.server.testing().performTest(
                request: .init(method: .GET, url: .init(string: "/api/admin/access-token"), headers: headers, body: .init()))
            #expect(response.status == .ok)
            let body = String(buffer: response.body)
            #expect(body.contains("\"fetchesToday\":1"))
            #expect(body.contains("\"dailyLimit\":2000"))
            #expect(body.contains("\"nearDailyLimit\":false"))
        }
    }
}
