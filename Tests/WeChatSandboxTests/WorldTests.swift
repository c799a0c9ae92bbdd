import Foundation
import Testing
@testable import WeChatSandbox

@Suite("world, identifiers, pure helpers")
struct WorldTests {
    @Test func defaultWorldShapes() {
        let configuration = SandboxConfiguration()
        for app in configuration.apps {
            #expect(app.appID.range(of: "^wx[0-9a-f]{16}$", options: .regularExpression) != nil)
            if let original = app.originalID { #expect(original.range(of: "^gh_[0-9a-f]{12}$", options: .regularExpression) != nil) }
            for template in app.templates { #expect(template.id.count == 43) }
            #expect(app.encodingAESKey.map { $0.count == 43 } ?? true)
        }
        #expect(configuration.users.count == 3)
    }

    @Test func openIDsAreStableAndShaped() {
        let a = Identifiers.derived(seed: "s", "openid", "wx1", "u1")
        #expect(a == Identifiers.derived(seed: "s", "openid", "wx1", "u1"))
        #expect(a != Identifiers.derived(seed: "s", "openid", "wx2", "u1"))
        #expect(a.range(of: "^o[A-Za-z0-9_-]{27}$", options: .regularExpression) != nil)
        #expect(Identifiers.rid().range(of: "^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$", options: .regularExpression) != nil)
        #expect(Identifiers.msgID() > (1 << 53))
    }

    @Test(arguments: [
        (["appid", "redirect_uri", "response_type", "scope", "state"], true),
        (["appid", "redirect_uri", "response_type", "scope"], true),
        (["appid", "redirect_uri", "response_type", "scope", "state", "forcePopup", "connect_redirect"], true),
        (["redirect_uri", "appid", "response_type", "scope"], false),
        (["appid", "redirect_uri", "response_type", "scope", "forcePopup", "state"], false),
        (["appid", "appid", "redirect_uri", "response_type", "scope"], false),
    ])
    func parameterOrder(keys: [String], valid: Bool) {
        #expect(AuthorizePageController.orderIsValid(keys) == valid)
    }

    @Test(arguments: [
        ("http://www.qq.com/music.html", "www.qq.com", true),
        ("https://WWW.QQ.com:8443/x", "www.qq.com", true),
        ("http://pay.qq.com/", "www.qq.com", false),
        ("http://qq.com/", "www.qq.com", false),
        ("http://localhost:8031/cb", "localhost:8031", true),
        ("http://localhost:8032/cb", "localhost:8031", false),
        ("javascript:alert(1)", "www.qq.com", false),
    ])
    func hostRule(uri: String, domain: String, matches: Bool) {
        #expect(Sandbox.hostMatches(uri, domain: domain) == matches)
    }

    @Test func callbackURLs() {
        #expect(Sandbox.callbackURL("http://a/cb", code: "C", state: "") == "http://a/cb?code=C&state=")
        #expect(Sandbox.callbackURL("http://a/cb?x=1", code: nil, state: "a b") == "http://a/cb?x=1&state=a%20b")
    }

    @Test func configurationJSONFillsDefaults() throws {
        let json = #"{"publicBaseURL":"http://sandbox.test","lifetimes":{"qrSession":60},"choices":{"staleCode":"codeExpired"}}"#
        let configuration = try JSONDecoder().decode(SandboxConfiguration.self, from: Data(json.utf8))
        #expect(configuration.publicBaseURL == "http://sandbox.test")
        #expect(configuration.lifetimes.qrSession == 60)
        #expect(configuration.lifetimes.officialAccountCode == 300)
        #expect(configuration.choices.staleCode == .codeExpired)
        #expect(configuration.apps == SandboxConfiguration.defaultApps)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString).json")
        try JSONEncoder().encode(configuration).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try SandboxConfiguration(contentsOf: url).lifetimes.qrSession == 60)
    }

    @Test func templateRendering() {
        let text = SandboxState.render("{{first.DATA}}\n订单号：{{keyword1.DATA}}\n{{remark.DATA}}", data: ["first": "您好", "keyword1": "A1"])
        #expect(text == "您好\n订单号：A1\n")
        #expect(SandboxState.render("{{a.DATA}}|{{b.DATA}}", data: ["a": "{{b.DATA}}", "b": "x"]) == "{{b.DATA}}|x",
                "a value is not expanded again")
        #expect(SandboxState.render("{{ {{a.DATA}} }} {{bad key.DATA}} {{", data: ["a": "1"]) == "{{ 1 }} {{bad key.DATA}} {{")
        #expect(SandboxState.render("", data: [:]) == "")
    }

    @Test func clockAdvancesAndResets() async {
        let fixed = Date(timeIntervalSince1970: 1_000_000)
        let clock = SandboxClock(reference: { fixed })
        await clock.advance(by: 90)
        #expect(await clock.now() == fixed.addingTimeInterval(90))
        await clock.set(to: Date(timeIntervalSince1970: 5))
        #expect(await clock.now() == Date(timeIntervalSince1970: 5))
        await clock.reset()
        #expect(await clock.now() == fixed)
    }
}
