import Foundation
import Testing
@testable import WeChatSandbox

@Suite("API IP whitelist of the token endpoints (40164)")
struct IPWhitelistTests {
    typealias H = SandboxHarness
    static let refused = "invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist"

    func patch(_ h: H, _ json: String, appID: String = H.oa) async throws -> HTTPResult {
        try await h.request(.PATCH, "/sandbox/api/apps/\(appID)", body: json, contentType: "application/json")
    }

    func token(_ h: H, _ query: String) async throws -> HTTPResult {
        try await h.get("/cgi-bin/token?" + query)
    }

    func stable(_ h: H, _ body: String) async throws -> HTTPResult {
        try await h.postJSON("/cgi-bin/stable_token", body)
    }

    @Test func callerOutsideTheWhitelistGets40164BeforeParameterChecks() async throws {
        try await H.with { h in
            #expect(try await patch(h, #"{"ipWhitelist":["203.0.113.7","2001:db8::1"]}"#).status == 200)
            let full = "grant_type=client_credential&appid=\(H.oa)&secret=\(H.oaSecret)"
            expectError(try await token(h, full), 40164, Self.refused)
            expectError(try await token(h, "grant_type=client_credential&appid=\(H.oa)"), 40164, Self.refused)
            expectError(try await token(h, "grant_type=bad&appid=\(H.oa)&secret=wrong"), 40164, Self.refused)
            expectError(try await stable(h, #"{"grant_type":"client_credential","appid":"\#(H.oa)","secret":"\#(H.oaSecret)"}"#),
                        40164, Self.refused)
            expectError(try await stable(h, #"{"appid":"\#(H.oa)"}"#), 40164, Self.refused)
            // Apps without a whitelist and requests naming no app are untouched.
            _ = try await h.serverToken(appID: H.test, secret: H.testSecret)
            expectError(try await token(h, "grant_type=client_credential&secret=S"), 41002, "appid missing")
            expectError(try await stable(h, "not json"), 47001, "data format error")
        }
    }

    @Test(arguments: ["127.0.0.1", "::ffff:127.0.0.1", "::FFFF:127.0.0.1"])
    func listedCallerIsServed(entry: String) async throws {
        try await H.with { h in
            #expect(try await patch(h, #"{"ipWhitelist":["198.51.100.1","\#(entry)"]}"#).status == 200)
            _ = try await h.serverToken()
            let stable = try await stable(h, #"{"grant_type":"client_credential","appid":"\#(H.oa)","secret":"\#(H.oaSecret)"}"#)
            #expect(stable.string("access_token") != nil)
            expectError(try await token(h, "grant_type=client_credential&appid=\(H.oa)"), 41004, "appsecret missing")
        }
    }

    @Test func patchSetsShowsAndRemovesTheWhitelist() async throws {
        try await H.with { h in
            let set = try await patch(h, #"{"ipWhitelist":["203.0.113.7"]}"#)
            #expect(set.json["ipWhitelist"] as? [String] == ["203.0.113.7"])
            #expect(try await h.get("/sandbox/api/apps/\(H.oa)").json["ipWhitelist"] as? [String] == ["203.0.113.7"])
            #expect(try await patch(h, #"{"banned":false}"#).json["ipWhitelist"] as? [String] == ["203.0.113.7"])
            #expect(try await patch(h, #"{"ipWhitelist":["not-an-ip"]}"#).status == 400)
            let removed = try await patch(h, #"{"ipWhitelist":null}"#)
            #expect(removed.status == 200 && removed.json["ipWhitelist"] == nil)
            _ = try await h.serverToken()
            // An empty whitelist admits nobody.
            _ = try await patch(h, #"{"ipWhitelist":[]}"#)
            expectError(try await token(h, "grant_type=client_credential&appid=\(H.oa)&secret=\(H.oaSecret)"), 40164, Self.refused)
            #expect(try await h.postJSON("/sandbox/api/reset", "{}").status == 200)
            _ = try await h.serverToken()
        }
    }

    @Test func worldFileCarriesTheWhitelist() throws {
        let json = #"""
        {"apps":[{"appID":"wx1234567890abcdef","secret":"s","kind":"officialAccount","name":"甲","ipWhitelist":["10.0.0.1"]},
                 {"appID":"wx1234567890abcde0","secret":"s","kind":"officialAccount","name":"乙"}]}
        """#
        let configuration = try JSONDecoder().decode(SandboxConfiguration.self, from: Data(json.utf8))
        #expect(configuration.apps.map(\.ipWhitelist) == [["10.0.0.1"], nil])
        #expect(SandboxConfiguration().apps.allSatisfy { $0.ipWhitelist == nil })
    }

    @Test(arguments: [
        ("10.1.2.3", "10.1.2.3", "::ffff:10.1.2.3"),
        ("::ffff:10.1.2.3", "10.1.2.3", "::ffff:10.1.2.3"),
        ("2001:DB8::1", "2001:db8::1", "2001:db8::1"),
    ])
    func callerAddressForms(raw: String, ip: String, ipv6: String) {
        let address = CallerAddress(raw)
        #expect(address.ip == ip && address.ipv6 == ipv6)
        #expect(WeChatAPIError.ipNotWhitelisted(address).errmsg == "invalid ip \(ip) ipv6 \(ipv6), not in whitelist")
    }
}
