import Foundation
import Testing
import WeChatKit
import WeChatSandbox

/// The ordinary access_token and template messages against the sandbox.
@Suite struct ServerAPIRoundTripTests {
    func order(to openID: String, clientMessageID: String? = nil) -> TemplateMessage {
        TemplateMessage(
            toUser: openID, templateID: "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY",
            url: "https://app.example/orders/1",
            data: [.init("first", "您的订单已发货"), .init("keyword1", "A-1001", color: "#173177"),
                   .init("keyword2", "2026-11-22"), .init("remark", "感谢惠顾")],
            clientMessageID: clientMessageID)
    }

    @Test func manyConcurrentSendersShareOneTokenFetch() async throws {
        try await RoundTrip.with { world in
            let provider = world.tokenProvider()
            let client = TemplateMessageClient(
                tokenProvider: provider, configuration: .init(endpoint: world.endpoint), httpClient: world.http)
            let openID = world.sandbox.openID(userID: "u1", appID: world.officialAccount.appID)
            let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
                for index in 0..<50 {
                    group.addTask { try await client.send(order(to: openID, clientMessageID: "m\(index)")) }
                }
                return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
            }
            #expect(ids.count == 50)
            #expect(try await world.calls("/cgi-bin/token") == 1)
            #expect(await provider.fetchCount == 1)
            #expect(try await world.inbox("u1").count == 50)
        }
    }

    @Test func aSupersededTokenCausesOneRefetchAndOneRetry() async throws {
        try await RoundTrip.with { world in
            let stale = world.tokenProvider()
            let client = TemplateMessageClient(
                tokenProvider: stale, configuration: .init(endpoint: world.endpoint), httpClient: world.http)
            let openID = world.sandbox.openID(userID: "u1", appID: world.officialAccount.appID)
            _ = try await client.send(order(to: openID))
            // Another deployment fetches its own token: ours stays valid for the 5-minute overlap only.
            _ = try await world.tokenProvider().token()
            _ = try await client.send(order(to: openID))
            #expect(await stale.fetchCount == 1, "inside the overlap the old token still works")
            try await world.advance(301)
            _ = try await client.send(order(to: openID))
            #expect(await stale.fetchCount == 2, "exactly one refetch after 40001")
            #expect(try await world.calls("/cgi-bin/token") == 3)
            #expect(try await world.calls("/cgi-bin/message/template/send") == 4, "three sends, one retry")
        }
    }

    @Test func stableTokenModeIsIsolatedFromTheClassicToken() async throws {
        try await RoundTrip.with { world in
            let stable = world.tokenProvider(mode: .stable)
            let classic = world.tokenProvider()
            let a = try await stable.token()
            let b = try await classic.token()
            #expect(a.value != b.value)
            let again = try await world.tokenProvider(mode: .stable).token()
            #expect(again.value == a.value, "stable_token returns the same token while it is valid")
            #expect(try await world.calls("/cgi-bin/stable_token") == 2)
        }
    }

    @Test func templateFailuresAreClassified() async throws {
        try await RoundTrip.with { world in
            let client = TemplateMessageClient(
                tokenProvider: world.tokenProvider(), configuration: .init(endpoint: world.endpoint), httpClient: world.http)
            let notFollowing = world.sandbox.openID(userID: "u3", appID: world.officialAccount.appID)
            await #expect(throws: WeChatError.api(.requireSubscribe)) { _ = try await client.send(order(to: notFollowing)) }
            let follower = world.sandbox.openID(userID: "u1", appID: world.officialAccount.appID)
            let unknownTemplate = TemplateMessage(toUser: follower, templateID: "nope", data: [.init("first", "x")])
            await #expect(throws: WeChatError.api(.invalidTemplateID)) { _ = try await client.send(unknownTemplate) }
            do {
                _ = try await client.send(order(to: notFollowing))
            } catch let error as WeChatError {
                #expect(error.category == .userActionRequired)
                #expect(error.rid != nil)
            }
        }
    }

    @Test func aDuplicateClientMessageIDIsSentOnce() async throws {
        try await RoundTrip.with { world in
            let client = TemplateMessageClient(
                tokenProvider: world.tokenProvider(), configuration: .init(endpoint: world.endpoint), httpClient: world.http)
            let openID = world.sandbox.openID(userID: "u1", appID: world.officialAccount.appID)
            let first = try await client.send(order(to: openID, clientMessageID: "order-1001"))
            let second = try await client.send(order(to: openID, clientMessageID: "order-1001"))
            #expect(first == second)
            #expect(try await world.inbox("u1").count == 1)
        }
    }

    @Test func transientFaultsAreRetriedForTokenFetches() async throws {
        try await RoundTrip.with { world in
            try await world.control(.POST, "faults", json: #"{"path":"/cgi-bin/token","errcode":-1,"count":1}"#)
            let token = try await world.tokenProvider().token()
            #expect(!token.value.isEmpty)
            #expect(try await world.calls("/cgi-bin/token") == 2)
        }
    }
}
