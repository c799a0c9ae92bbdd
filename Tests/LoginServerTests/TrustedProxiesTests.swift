import Testing
@testable import LoginServer

/// `TRUSTED_PROXIES`: whose `X-Forwarded-For` is believed for the client address.
@Suite struct TrustedProxiesTests {
    let proxies = TrustedProxies("127.0.0.1, 10.0.0.0/8, fd00::/8")!

    @Test func matchesAddressesAndRanges() {
        #expect(proxies.trusts("127.0.0.1"))
        #expect(proxies.trusts("10.200.3.4"))
        #expect(!proxies.trusts("11.0.0.1"))
        #expect(proxies.trusts("fd12::1"))
        #expect(!proxies.trusts("fe80::1"))
        #expect(!proxies.trusts("not an address"))
        #expect(!TrustedProxies.none.trusts("127.0.0.1"))
    }

    @Test func believesTheHeaderOnlyFromATrustedPeer() {
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "198.51.100.9", forwardedFor: ["203.0.113.7"]) == "198.51.100.9",
                "a client cannot pick its logged address")
        // A client-supplied first hop is skipped: the right-most untrusted hop is the one our proxy saw.
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["1.2.3.4, 203.0.113.7, 10.0.0.5"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["evil, 203.0.113.7"]) == "203.0.113.7")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.7, <script>"]) == "127.0.0.1")
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: []) == "127.0.0.1")
        #expect(proxies.clientAddress(peer: nil, forwardedFor: ["203.0.113.7"]) == nil)
    }

    @Test(arguments: ["10.0.0.0/33", "300.1.1.1", "10.0.0.0/x", "example.com", "::1/129"])
    func refusesBadEntries(_ list: String) {
        #expect(TrustedProxies(list) == nil)
    }

    @Test func isReadFromTheEnvironment() throws {
        let configuration = try LoginServerConfiguration.fromEnvironment(["TRUSTED_PROXIES": "127.0.0.1,::1"], sandbox: true)
        #expect(configuration.trustedProxies.trusts("::1"))
        #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            try LoginServerConfiguration.fromEnvironment(["TRUSTED_PROXIES": "localhost"], sandbox: true)
        }
    }
}
