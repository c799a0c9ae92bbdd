import Testing
import Vapor
@testable import LoginServer

/// Headers on every answer (`nosniff`), framing protection on every page (the inline-QR page included), and
/// `/metrics` closed with real credentials and no token.
@Suite struct ResponseHeadersTests {
    @Test func everyAnswerCarriesNosniff() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            let answers = [
                ("page", try await browser.get("\(LoginWorld.serverBase)/")),
                ("JSON error", try await browser.get("\(LoginWorld.serverBase)/api/me")),
                ("redirect", try await browser.get("\(LoginWorld.serverBase)/login?return_to=/account")),
                ("404", try await browser.get("\(LoginWorld.serverBase)/no-such-page")),
                ("API 404", try await browser.get("\(LoginWorld.serverBase)/api/no-such-thing")),
                ("metrics", try await browser.get("\(LoginWorld.serverBase)/metrics")),
                ("openapi", try await browser.get("\(LoginWorld.serverBase)/openapi.json")),
            ]
            #expect(answers.map(\.1.status) == [200, 401, 303, 404, 404, 200, 200])
            for (what, answer) in answers {
                #expect(answer.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(what)")
            }
            #expect(answers[1].1.json["error"] as? Bool == true)
        }
    }

    @Test func pagesRefuseToBeFramedTheInlineQRPageIncluded() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            for path in ["/", "/login?return_to=/account&mode=inline", "/no-such-page"] {
                let page = try await browser.get(LoginWorld.serverBase + path)
                #expect(page.headers.first(name: "X-Frame-Options") == "DENY", "\(path)")
                #expect(page.headers.first(name: "Content-Security-Policy") == "frame-ancestors 'none'", "\(path)")
            }
            let inline = try await browser.get("\(LoginWorld.serverBase)/login?return_to=/account&mode=inline")
            #expect(inline.body.contains("<iframe src=\"\(world.sandboxBase)/connect/qrconnect"), "it still frames WeChat's QR")
        }
    }

    @Test func metricsAreClosedWithRealCredentialsAndNoToken() async throws {
        try await LoginWorld.with(adjust: { $0.sandboxMode = false }) { world in
            let metrics = try await world.browser().get("\(LoginWorld.serverBase)/metrics")
            #expect(metrics.status == 404)
            #expect(!metrics.body.contains("wechat_"))
        }
        let token = "metrics-token-0123456789abcdef"
        try await LoginWorld.with(adjust: { $0.sandboxMode = false; $0.metricsToken = token }) { world in
            #expect(try await world.browser().get("\(LoginWorld.serverBase)/metrics").status == 401)
            let response = try await world.server.testing().performTest(request: .init(
                method: .GET, url: "/metrics", headers: ["Authorization": "Bearer \(token)"], body: ByteBuffer()))
            #expect(response.status == .ok)
        }
    }
}
