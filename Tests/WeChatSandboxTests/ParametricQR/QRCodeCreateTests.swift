import Foundation
import Testing
@testable import WeChatSandbox

@Suite("cgi-bin/qrcode/create and showqrcode")
struct QRCodeCreateTests {
    typealias H = SandboxHarness

    @Test func temporaryCodesDefaultTo60SecondsAndCapAt30Days() async throws {
        try await H.with(frozenClock: true) { h in
            let token = try await h.serverToken()
            let plain = try await h.createQR(token: token, #"{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":4294967295}}}"#)
            #expect(plain.int("expire_seconds") == 60 && plain.errcode == nil)
            let ticket = try #require(plain.string("ticket"))
            #expect(ticket.hasPrefix("gQ") && ticket.count == 96)
            #expect(ticket.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            #expect(plain.string("url")?.hasPrefix("http://localhost:8080/sandbox/q/") == true)
            #expect(plain.headers.first(name: "content-type") == "application/json; encoding=utf-8")
            let long = try await h.createQR(token: token, #"{"expire_seconds":9999999,"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":"login:abc"}}}"#)
            #expect(long.int("expire_seconds") == 2_592_000)
            let again = try await h.createQR(token: token, #"{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":4294967295}}}"#)
            #expect(again.string("ticket") != ticket)
        }
    }

    @Test func permanentCodesHaveNoExpiryAndOneTicketPerScene() async throws {
        try await H.with { h in
            let token = try await h.serverToken()
            let first = try await h.createQR(token: token, #"{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":100000}}}"#)
            #expect(first.string("ticket") != nil && first.json["expire_seconds"] == nil && first.string("url") != nil)
            let same = try await h.createQR(token: token, #"{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":100000}}}"#)
            #expect(same.string("ticket") == first.string("ticket"))
            let string = try await h.createQR(token: token, #"{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"100000"}}}"#)
            #expect(string.string("ticket") != nil && string.string("ticket") != first.string("ticket"))
        }
    }

    @Test func thePermanentCapIsPerAccount() async throws {
        try await H.with({ $0.limits.permanentQRCodeLimit = 2 }) { h in
            let token = try await h.serverToken()
            for scene in ["a", "b"] {
                #expect(try await h.createQR(token: token, #"{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"\#(scene)"}}}"#).string("ticket") != nil)
            }
            expectError(try await h.createQR(token: token, #"{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":3}}}"#), 40053, "invalid action info")
            #expect(try await h.createQR(token: token, #"{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"a"}}}"#).string("ticket") != nil)
            #expect(try await h.createQR(token: token, #"{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":3}}}"#).string("ticket") != nil)
        }
    }

    static let badBodies: [(String, Int, String)] = [
        ("", 44002, "empty post data"),
        ("not json", 47001, "data format error"),
        (#"{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":"12"}}}"#, 47001, "data format error"),
        (#"{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":1.5}}}"#, 47001, "data format error"),
        (#"{"expire_seconds":"60","action_name":"QR_SCENE","action_info":{"scene":{"scene_id":1}}}"#, 47001, "data format error"),
        (#"{"action_info":{"scene":{"scene_id":1}}}"#, 40052, "invalid action name"),
        (#"{"action_name":"QR_SOMETHING","action_info":{"scene":{"scene_id":1}}}"#, 40052, "invalid action name"),
        (#"{"action_name":"QR_SCENE"}"#, 40053, "invalid action info"),
        (#"{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":0}}}"#, 40053, "invalid action info"),
        (#"{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":4294967296}}}"#, 40053, "invalid action info"),
        (#"{"action_name":"QR_SCENE","action_info":{"scene":{"scene_str":"x"}}}"#, 40053, "invalid action info"),
        (#"{"action_name":"QR_LIMIT_SCENE","action_info":{"scene":{"scene_id":100001}}}"#, 40053, "invalid action info"),
        (#"{"action_name":"QR_STR_SCENE","action_info":{"scene":{"scene_str":""}}}"#, 40053, "invalid action info"),
        (#"{"action_name":"QR_LIMIT_STR_SCENE","action_info":{"scene":{"scene_str":"\#(String(repeating: "x", count: 65))"}}}"#, 40053, "invalid action info"),
        (#"{"expire_seconds":0,"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":1}}}"#, 40053, "invalid action info"),
    ]

    @Test func badBodiesGetWeChatsErrcodes() async throws {
        try await H.with { h in
            let token = try await h.serverToken()
            for (body, code, message) in Self.badBodies {
                expectError(try await h.createQR(token: token, body), code, message)
            }
            #expect(try await h.get("/sandbox/api/qrcodes").body == "[]")
        }
    }

    @Test func tokenAndAccountChecks() async throws {
        try await H.with(frozenClock: true) { h in
            let body = #"{"action_name":"QR_SCENE","action_info":{"scene":{"scene_id":1}}}"#
            expectError(try await h.postJSON("/cgi-bin/qrcode/create", body), 41001, "access_token missing")
            expectError(try await h.createQR(token: "nope", body), 40001, "invalid credential, access_token is invalid or not latest")
            let testToken = try await h.serverToken(appID: H.test, secret: H.testSecret)
            expectError(try await h.createQR(token: testToken, body), 48001, "api unauthorized")
            expectError(try await h.get("/cgi-bin/qrcode/create?access_token=x"), 43002, "require POST method")
            let token = try await h.serverToken()
            await h.advance(7201)
            expectError(try await h.createQR(token: token, body), 42001, "access_token expired")
        }
    }

    @Test func showqrcodeServesADecodablePNGUntilTheTicketExpires() async throws {
        try await H.with(frozenClock: true) { h in
            let token = try await h.serverToken()
            let (ticket, url) = try await h.temporaryQR(token: token, seconds: 60)
            let encoded = ticket.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ticket
            let image = try await h.bytes("/cgi-bin/showqrcode?ticket=\(encoded)")
            #expect(image.status == 200 && image.contentType == "image/png")
            let symbol = try QRCode(text: url, errorCorrection: .medium)
            let size = try #require(pngSize(image.bytes))
            #expect(size.width == (symbol.size + 8) * 6 && size.height == size.width)
            #expect(try zbarDecode(image.bytes) == url)
            #expect(try await h.bytes("/cgi-bin/showqrcode?ticket=gQunknown").status == 404)
            #expect(try await h.bytes("/cgi-bin/showqrcode").status == 404)
            await h.advance(59)
            #expect(try await h.bytes("/cgi-bin/showqrcode?ticket=\(ticket)").status == 200)
            await h.advance(1)
            let expired = try await h.bytes("/cgi-bin/showqrcode?ticket=\(ticket)")
            #expect(expired.status == 404 && expired.contentType.hasPrefix("text/plain"))
        }
    }
}
