import Foundation
import Testing
@testable import WeChatSandbox

@Suite("qrconnect, long-poll and confirm")
struct QRFlowTests {
    typealias H = SandboxHarness

    static func uuid(in html: String) -> String? {
        guard let range = html.range(of: #"/connect/qrcode/[A-Za-z0-9]{16}"#, options: .regularExpression) else { return nil }
        return String(html[range].suffix(16))
    }

    static func pagePath(selfRedirect: String? = nil, redirect: String = "http://localhost:3000/cb") -> String {
        var path = "/connect/qrconnect?appid=\(H.web)&redirect_uri=\(H.enc(redirect))&response_type=code&scope=snsapi_login&state=st"
        if let selfRedirect { path += "&login_type=jssdk&self_redirect=\(selfRedirect)&style=white" }
        return path
    }

    func poll(_ h: H, _ uuid: String, last: Int? = nil) async throws -> String {
        try await h.get("/connect/l/qrconnect?uuid=\(uuid)" + (last.map { "&last=\($0)" } ?? "")).body
    }

    @Test func pageHoldsQRAndScript() async throws {
        try await H.with { h in
            let page = try await h.get(Self.pagePath(selfRedirect: "true"))
            #expect(page.headers.first(name: "content-type") == "text/html; charset=utf-8")
            #expect(page.body.contains("<img class=\"qrcode"))
            #expect(page.body.contains("/connect/l/qrconnect"))
            #expect(page.body.contains(#"selfRedirect="true""#))
            let uuid = try #require(Self.uuid(in: page.body))
            // A person at a desktop has no camera pointed at the screen: the page links the simulated phone.
            #expect(page.body.contains("<a href=\"/connect/confirm?uuid=\(uuid)\" target=\"_blank\""))
            let image = try await h.get("/connect/qrcode/\(uuid)")
            #expect(image.status == 200)
            #expect(image.headers.first(name: "content-type") == "image/png")
            #expect(try await h.get("/connect/qrcode/AAAAAAAAAAAAAAAA").status == 404)
        }
    }

    static let badPages = [
        "/connect/qrconnect?appid=\(H.oa)&redirect_uri=\(H.enc("http://localhost/"))&response_type=code&scope=snsapi_login",
        "/connect/qrconnect?appid=\(H.web)&redirect_uri=\(H.enc("http://localhost/"))&response_type=code&scope=snsapi_base",
        "/connect/qrconnect?appid=\(H.web)&redirect_uri=\(H.enc("http://other.example/"))&response_type=code&scope=snsapi_login",
        "/connect/qrconnect?appid=nope&redirect_uri=\(H.enc("http://localhost/"))&response_type=code&scope=snsapi_login",
    ]

    @Test(arguments: badPages)
    func invalidPages(path: String) async throws {
        try await H.with { h in
            let result = try await h.get(path)
            #expect(result.body.contains("该链接无法访问"))
        }
    }

    @Test func pollSequenceThroughPhonePages() async throws {
        try await H.with { h in
            let uuid = try #require(Self.uuid(in: try await h.get(Self.pagePath()).body))
            #expect(try await poll(h, uuid) == "window.wx_errcode=408;window.wx_code='';")
            let phone = try await h.get("/connect/confirm?uuid=\(uuid)", user: "u2")
            #expect(phone.body.contains("沙盒网站") && phone.body.contains("允许"))
            #expect(try await poll(h, uuid, last: 408) == "window.wx_errcode=404;window.wx_code='';")
            #expect(try await poll(h, uuid, last: 404) == "window.wx_errcode=408;window.wx_code='';")
            let done = try await h.postForm("/connect/confirm", "uuid=\(uuid)&action=allow", user: "u2")
            #expect(done.body.contains("已确认登录"))
            let answer = try await poll(h, uuid, last: 404)
            let code = try #require(answer.range(of: #"wx_code='[A-Za-z0-9]{32}'"#, options: .regularExpression).map { String(answer[$0].dropFirst(9).dropLast()) })
            #expect(answer.hasPrefix("window.wx_errcode=405;"))
            let token = try await h.exchange(code, appID: H.web, secret: H.webSecret)
            #expect(token.string("openid") == h.openID("u2", H.web))
        }
    }

    @Test func waitingPollWakesOnScan() async throws {
        try await H.with({ $0.lifetimes.longPollHold = 20 }) { h in
            let uuid = try #require(Self.uuid(in: try await h.get(Self.pagePath()).body))
            async let answer = poll(h, uuid, last: 408)
            try await Task.sleep(for: .milliseconds(100))
            _ = try await h.request(.POST, "/sandbox/api/qr/\(uuid)/scan", body: #"{"user":"u1"}"#)
            #expect(try await answer == "window.wx_errcode=404;window.wx_code='';")
        }
    }

    @Test func denyGives403() async throws {
        try await H.with { h in
            let uuid = try #require(Self.uuid(in: try await h.get(Self.pagePath()).body))
            _ = try await h.get("/connect/confirm?uuid=\(uuid)", user: "u1")
            let denied = try await h.postForm("/connect/confirm", "uuid=\(uuid)&action=deny", user: "u1")
            #expect(denied.body.contains("已取消登录"))
            #expect(try await poll(h, uuid, last: 404) == "window.wx_errcode=403;window.wx_code='';")
        }
    }

    @Test func expiryGives402AndExpiredPage() async throws {
        try await H.with { h in
            let uuid = try #require(Self.uuid(in: try await h.get(Self.pagePath()).body))
            await h.advance(301)
            #expect(try await poll(h, uuid) == "window.wx_errcode=402;window.wx_code='';")
            #expect(try await h.get("/connect/confirm?uuid=\(uuid)", user: "u1").body.contains("二维码已过期"))
            #expect(try await h.get("/connect/confirm?uuid=unknown", user: "u1").body.contains("二维码已过期"))
        }
    }

    @Test func controlHooks() async throws {
        try await H.with { h in
            let uuid = try #require(Self.uuid(in: try await h.get(Self.pagePath()).body))
            #expect(try await h.request(.POST, "/sandbox/api/qr/\(uuid)/scan", body: #"{"user":"u1"}"#).int("wx_errcode") == 404)
            #expect(try await h.request(.POST, "/sandbox/api/qr/\(uuid)/cancel").int("wx_errcode") == 403)
            #expect(try await h.request(.POST, "/sandbox/api/qr/\(uuid)/confirm").status == 409)
            let second = try #require(Self.uuid(in: try await h.get(Self.pagePath()).body))
            #expect(try await h.request(.POST, "/sandbox/api/qr/\(second)/expire").int("wx_errcode") == 402)
            #expect(try await h.request(.POST, "/sandbox/api/qr/nope/scan").status == 404)
        }
    }
}
