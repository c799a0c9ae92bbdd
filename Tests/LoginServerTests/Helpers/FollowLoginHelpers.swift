import Foundation
import Testing
import Vapor
import VaporTesting
@testable import LoginServer

/// Follow-to-sign-in as a PC browser and a phone take it against the sandbox.
extension Browser {
    /// `/login` on a PC in follow-login mode: the page with the account's QR code; returns its scene.
    func startFollowLogin(returnTo: String = "/account", path: String? = nil) async throws -> String {
        let login = try await get(LoginWorld.serverBase
            + (path ?? "/login?mode=follow&return_to=\(Browser.encode(returnTo))"))
        #expect(login.status == 200, "the follow-login page: \(login.status) \(login.body.prefix(300))")
        return try Self.scene(in: login.body)
    }

    /// The scene a follow-login page polls for.
    static func scene(in page: String) throws -> String {
        let marker = try #require(page.range(of: "/login/follow/status?scene="), "a follow-login page")
        return String(page[marker.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
    }

    /// One status poll of the page.
    func followStatus(_ scene: String) async throws -> Result {
        try await get("\(LoginWorld.serverBase)/login/follow/status?scene=\(scene)")
    }
}

extension LoginWorld {
    /// The ticket the server got for `scene`, from its table.
    func ticket(of scene: String) async throws -> String {
        try #require(try await FollowLoginSceneStore(database: server.db).find(scene)).ticket
    }

    /// WeChat user `user` scans the scene's code and follows (or opens the chat when already following): the
    /// sandbox pushes `subscribe` with `qrscene_…` or `SCAN` to the server.
    @discardableResult
    func scan(_ scene: String, as user: String) async throws -> Browser.Result {
        let ticket = try await ticket(of: scene)
        let scanned = try await control(.POST, "qrcodes/\(Browser.encode(ticket))/scan",
                                        json: #"{"user":"\#(user)","follow":true}"#)
        #expect(scanned.status == 200, "scan: \(scanned.status) \(scanned.body.prefix(300))")
        return scanned
    }

    /// The user `user` follows the official account before any QR code (an existing follower).
    func follow(_ user: String) async throws {
        let followed = try await control(.POST, "users/\(user)/follow", json: #"{"appid":"\#(officialAccountID)"}"#)
        #expect(followed.status < 300)
    }

    /// The scene's row.
    func scene(_ scene: String) async throws -> FollowLoginSceneStore.Record {
        try #require(try await FollowLoginSceneStore(database: server.db).find(scene))
    }

    /// Waits (bounded) until the push for `scene` marked it scanned: the sandbox may deliver it asynchronously.
    func awaitScanned(_ scene: String) async throws {
        for _ in 0..<200 {
            if try await self.scene(scene).status != .pending { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the push for the scene never arrived")
    }
}

/// GET on another instance of the server (its own `Application`), with a browser's cookies.
func instanceGET(_ app: Application, _ path: String, cookie: String) async throws -> Browser.Result {
    var headers = HTTPHeaders()
    headers.add(name: .cookie, value: cookie)
    headers.add(name: .userAgent, value: Browser.desktopUserAgent)
    headers.add(name: .accept, value: "application/json")
    let response = try await app.testing().performTest(
        request: TestingHTTPRequest(method: .GET, url: URI(string: path), headers: headers, body: ByteBuffer()))
    return Browser.Result(status: Int(response.status.code), headers: response.headers,
                          body: String(buffer: response.body), url: LoginWorld.serverBase + path)
}
