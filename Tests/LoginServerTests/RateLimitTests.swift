import Foundation
import Testing
@testable import LoginServer

/// The rate limits' pure parts: route classes, client keys, the token buckets and the settings.
@Suite struct RateLimitTests {
    @Test(arguments: [
        ("/login", RateLimitedRoute?.some(.login)), ("//login/", .login), ("/auth/wechat/callback", .callback),
        ("/bind", .bind), ("/bind/code", .bind), ("/bind/verify", .bind), ("/api/me", .api), ("/api/logout", .api),
        ("/api/admin/users", .admin), ("/api/template-messages/batch", .admin), ("/", nil), ("/healthz", nil),
        ("/livez", nil), ("/metrics", nil), ("/wechat/events", nil), ("/dev/outbox", nil), ("/auth/other", nil),
        ("/Login", nil), ("/account", nil),
        ("/oauth/authorize", .login), ("//oauth/authorize/continue", .login), ("/oauth/token", .token),
        ("/oauth/userinfo/", .token), ("/oauth/jwks", nil), ("/.well-known/openid-configuration", nil),
    ])
    func classifiesPaths(_ path: String, _ expected: RateLimitedRoute?) {
        #expect(RateLimitedRoute(path: path) == expected, "\(path)")
    }

    @Test func keysIPv6ByItsSlash64() {
        #expect(ClientKey(address: "203.0.113.7").value == "203.0.113.7")
        #expect(ClientKey(address: "2001:db8:1:2::1") == ClientKey(address: "2001:db8:1:2:ffff:1:2:3"))
        #expect(ClientKey(address: "2001:db8:1:2::1") != ClientKey(address: "2001:db8:1:3::1"))
        #expect(ClientKey(address: "2001:db8:1:2::1").value == "2001:db8:1:2::/64")
        #expect(ClientKey(address: "::ffff:203.0.113.7") == ClientKey(address: "203.0.113.7"))
        #expect(ClientKey(address: nil) == .unknown)
        #expect(ClientKey(address: "not an address") == .unknown)
    }

    @Test func refusesPastTheBucketAndRefillsWithTime() async {
        var limits = RateLimits()
        limits.login = 3
        let clock = ManualServerClock()
        let limiter = RateLimiter(limits: limits, clock: clock)
        let client = ClientKey(address: "203.0.113.7")
        for _ in 0..<3 { #expect(await limiter.check(.login, client: client) == .allowed) }
        // 3 a minute: one more in 20 seconds.
        #expect(await limiter.check(.login, client: client) == .refused(retryAfter: 20, first: true))
        #expect(await limiter.check(.login, client: client) == .refused(retryAfter: 20, first: false))
        #expect(await limiter.check(.callback, client: client) == .allowed, "each class has its own bucket")
        #expect(await limiter.check(.login, client: ClientKey(address: "198.51.100.9")) == .allowed)
        clock.advance(by: 15)
        #expect(await limiter.check(.login, client: client) == .refused(retryAfter: 5, first: false))
        clock.advance(by: 5)
        #expect(await limiter.check(.login, client: client) == .allowed)
        #expect(await limiter.check(.login, client: client) == .refused(retryAfter: 20, first: true))
        clock.advance(by: 3600)
        for _ in 0..<3 { #expect(await limiter.check(.login, client: client) == .allowed, "refilled, never beyond 3") }
        #expect(await limiter.check(.login, client: client) != .allowed)
    }

    @Test func theTableStaysBoundedUnderManyAddresses() async {
        var limits = RateLimits()
        limits.login = 2
        limits.maxTrackedClients = 100
        let clock = ManualServerClock()
        let limiter = RateLimiter(limits: limits, clock: clock)
        let flooder = ClientKey(address: "198.51.100.9")
        #expect(await limiter.check(.login, client: flooder) == .allowed)
        #expect(await limiter.check(.login, client: flooder) == .allowed)
        for index in 0..<10_000 {
            let address = "2001:db8:\(String(index, radix: 16))::1"
            clock.advance(by: 0.001)  // Orders the buckets by last use.
            _ = await limiter.check(.login, client: ClientKey(address: address))
            #expect(await limiter.trackedCount <= 100)
            if index % 50 == 0 {
                // The flooder keeps knocking, so its bucket stays recent and is not the one evicted.
                #expect(await limiter.check(.login, client: flooder) != .allowed)
            }
        }
        // Idle buckets that have refilled are forgotten by the minute's sweep.
        clock.advance(by: 61)
        _ = await limiter.check(.api, client: flooder)
        #expect(await limiter.trackedCount == 1)
    }

    @Test func settingsComeFromTheEnvironment() throws {
        let defaults = try LoginServerConfiguration.fromEnvironment([:], sandbox: true).rateLimits
        #expect(defaults.enabled && defaults == RateLimits())
        let off = try LoginServerConfiguration.fromEnvironment(["RATE_LIMITS": "off"], sandbox: true).rateLimits
        #expect(!off.enabled)
        let tuned = try LoginServerConfiguration.fromEnvironment(
            ["RATE_LIMITS": "on", "RATE_LIMITS_PER_MINUTE": "login=600, Admin=20000"], sandbox: true).rateLimits
        #expect(tuned.enabled && tuned.login == 600 && tuned.admin == 20000 && tuned.bind == RateLimits().bind)
        for bad in [["RATE_LIMITS": "maybe"], ["RATE_LIMITS_PER_MINUTE": "logins=5"],
                    ["RATE_LIMITS_PER_MINUTE": "login=0"], ["RATE_LIMITS_PER_MINUTE": "login"],
                    ["RATE_LIMITS_PER_MINUTE": "api=lots"]] {
            #expect(throws: LoginServerConfiguration.EnvironmentError.self, "\(bad)") {
                try LoginServerConfiguration.fromEnvironment(bad, sandbox: true)
            }
        }
    }
}
