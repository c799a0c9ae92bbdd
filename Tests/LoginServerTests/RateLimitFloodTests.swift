import Foundation
import NIOCore
import Testing
import Vapor
@testable import LoginServer

/// The rate limits end to end: a flood of `/login` from one address, other addresses, the answers people and
/// programs see, `TRUSTED_PROXIES`, and `RATE_LIMITS=off`.
@Suite(.serialized) struct RateLimitFloodTests {
    @Test func aFloodOfLoginsIsRefusedWithoutWritingStates() async throws {
        try await LoginWorld.with { world in
            // The default limits, all at one instant (the injected clock stands still): 1,000 at once from one
            // address, and a neighbour's sign-ins in the middle of them.
            let results = try await withThrowingTaskGroup(of: (String, Response).self) { group in
                for index in 0..<1_000 {
                    group.addTask { ("flood", try await world.send("/login?return_to=/r\(index)", from: "203.0.113.7")) }
                    if index % 200 == 0 {
                        group.addTask { ("neighbour", try await world.send("/login", from: "198.51.100.9")) }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let flood = results.filter { $0.0 == "flood" }.map(\.1)
            let served = flood.filter { $0.status == .seeOther || $0.status == .found }
            let refused = flood.filter { $0.status == .tooManyRequests }
            #expect(served.count == RateLimits().login)
            #expect(refused.count == 1_000 - RateLimits().login)
            #expect(refused.allSatisfy { Int($0.headers.first(name: .retryAfter) ?? "") ?? 0 >= 1 })
            #expect(results.filter { $0.0 == "neighbour" }.allSatisfy { $0.1.status == served.first?.status },
                    "another address is served during the flood")
            // One state per served request, none for the refused ones.
            #expect(try await world.count(OAuthStateRecord.self) == RateLimits().login + 5)
            #expect(world.logs.all.filter { $0.contains("rate limit reached") }.count == 1, "one line per flood, not per request")
            #expect(world.logs.all.contains { $0.contains("rate limit reached") && $0.contains("route=login")
                && $0.contains("client=203.0.113.7") && $0.contains("path=/login ") })
            #expect(!world.logs.all.contains { $0.contains("rate limit") && $0.contains("return_to") })

            #expect(try await world.send("/login", from: "203.0.113.7").status == .tooManyRequests)
            world.clock.advance(by: 60)
            #expect(try await world.send("/login", from: "203.0.113.7").status == served.first?.status,
                    "served again once the bucket refilled")
        }
    }

    @Test func refusalsArePagesInBothLanguagesAndJSONUnderTheAPI() async throws {
        try await LoginWorld.with(adjust: { $0.rateLimits.login = 1; $0.rateLimits.api = 1 }) { world in
            _ = try await world.send("/login", from: "203.0.113.7")
            let page = try await world.send("/login", from: "203.0.113.7")
            #expect(page.status == .tooManyRequests)
            #expect(page.headers.first(name: .retryAfter) == "60")
            #expect(page.headers.contentType == .html)
            #expect(page.body.string?.contains("请求过于频繁，请 60 秒后重试。") == true)
            let english = try await world.send("/login?lang=en", from: "203.0.113.7")
            #expect(english.status == .tooManyRequests)
            #expect(english.body.string?.contains("Too many requests. Please try again in 60 seconds.") == true)

            _ = try await world.send("/api/me", from: "203.0.113.7")
            let api = try await world.send("/api/me", from: "203.0.113.7")
            #expect(api.status == .tooManyRequests)
            #expect(api.headers.first(name: .retryAfter) == "60")
            #expect(api.headers.contentType == .json)
            let json = try #require(api.body.string)
            #expect(json.contains(#""error":true"#) && json.contains(#""reason":"Too many requests"#))

            for _ in 0..<20 {
                #expect(try await world.send("/healthz", from: "203.0.113.7").status == .ok, "not a limited route")
            }
        }
    }

    @Test func theClientIsTheAddressTrustedProxiesResolve() async throws {
        try await LoginWorld.with(adjust: {
            $0.rateLimits.login = 1
            $0.trustedProxies = TrustedProxies("127.0.0.1")!
        }) { world in
            // Behind the trusted proxy, two people are two clients.
            for client in ["203.0.113.7", "198.51.100.9"] {
                let response = try await world.send("/login", from: "127.0.0.1", forwardedFor: client)
                #expect(response.status != .tooManyRequests, "\(client)")
            }
            #expect(try await world.send("/login", from: "127.0.0.1", forwardedFor: "203.0.113.7").status == .tooManyRequests)
            // From an untrusted peer the header is ignored: inventing addresses does not buy allowances.
            #expect(try await world.send("/login", from: "192.0.2.1", forwardedFor: "192.0.2.100").status != .tooManyRequests)
            #expect(try await world.send("/login", from: "192.0.2.1", forwardedFor: "192.0.2.101").status == .tooManyRequests)
            // Requests without an address (in-process) share one key rather than escaping the limit.
            #expect(try await world.send("/login", from: nil).status != .tooManyRequests)
            #expect(try await world.send("/login", from: nil).status == .tooManyRequests)
        }
    }

    @Test func rateLimitsOffServesEverything() async throws {
        let limits = try LoginServerConfiguration.fromEnvironment(
            ["RATE_LIMITS": "off", "RATE_LIMITS_PER_MINUTE": "login=1"], sandbox: true).rateLimits
        try await LoginWorld.with(adjust: { $0.rateLimits = limits }) { world in
            for _ in 0..<10 {
                let response = try await world.send("/login", from: "203.0.113.7")
                #expect(response.status != .tooManyRequests)
            }
            #expect(world.logs.all.contains { $0.hasPrefix("warning rate limits are off") })
        }
    }
}

extension LoginWorld {
    /// One request to the login server as if it came from `address` over TCP (the in-process tester has no peer
    /// address), optionally with `X-Forwarded-For`.
    func send(_ path: String, from address: String?, forwardedFor: String? = nil) async throws -> Response {
        var headers = HTTPHeaders()
        if let forwardedFor { headers.add(name: .xForwardedFor, value: forwardedFor) }
        let request = Request(
            application: server, method: .GET, url: URI(string: path), headers: headers, collectedBody: ByteBuffer(),
            remoteAddress: try address.map { try SocketAddress(ipAddress: $0, port: 40_000) }, logger: server.logger,
            on: server.eventLoopGroup.next())
        return try await server.responder.respond(to: request).get()
    }
}
