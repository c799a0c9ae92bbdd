import Testing
@testable import LoginServer

@Suite struct ReturnToTests {
    @Test(arguments: ["/", "/account", "/orders?id=42&tab=2", "/a/b#section", "/%E4%B8%AD"])
    func keepsSameSitePaths(_ raw: String) {
        #expect(ReturnTo(raw)?.path == raw)
    }

    @Test(arguments: [
        "https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example", "evil.example",
        "javascript:alert(1)", "/ok\u{0}", "/with space", "/tab\there", "/line\nbreak", "", " /account",
        "/back\\slash", "http:/evil.example", "/\u{7F}",
    ])
    func refusesEverythingElse(_ raw: String) {
        #expect(ReturnTo(raw) == nil)
        #expect(ReturnTo.orHome(raw) == .home)
    }

    @Test func refusesOverlongPaths() {
        #expect(ReturnTo("/" + String(repeating: "a", count: ReturnTo.maximumLength)) == nil)
    }

    @Test func missingMeansHome() {
        #expect(ReturnTo.orHome(nil).path == "/")
    }
}
