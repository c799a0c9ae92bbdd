import Fluent
import Foundation
import NIOHTTP1
import Testing
@testable import LoginServer

/// The admin API: bearer token, lookups by id, phone, email and openid.
@Suite(.serialized) struct AdminAPITests {
    static let token = "admin-token-0123456789abcdef0123"

    func admin(_ world: LoginWorld, _ path: String, token: String? = AdminAPITests.token) async throws -> Browser.Result {
        var headers = HTTPHeaders()
        if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
        let response = try await world.server.testing().performTest(
            request: .init(method: .GET, url: .init(string: path), headers: headers, body: .init()))
        return Browser.Result(status: Int(response.status.code), headers: response.headers,
                              body: String(buffer: response.body), url: path)
    }

    @Test func looksUsersUpWithTheRightToken() async throws {
        try await LoginWorld.with(adjust: { $0.adminToken = AdminAPITests.token }) { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            _ = try await browser.bind(contact: "13800138000")
            let identity = try #require(try await WeChatIdentity.query(on: world.server.db).first())
            let userID = try #require(identity.$user.id)

            let byID = try await admin(world, "/api/admin/users/\(userID)")
            #expect(byID.status == 200)
            #expect((byID.json["user"] as? [String: Any])?["phone"] as? String == "13800138000")
            for query in ["phone=%2B86%20138%200013%208000", "openid=\(identity.openID)",
                          "openid=\(identity.openID)&appid=\(world.websiteAppID)"] {
                let found = try await admin(world, "/api/admin/users?\(query)")
                #expect(found.status == 200, "\(query)")
                #expect((found.json["user"] as? [String: Any])?["id"] as? String == userID.uuidString)
            }
            #expect(try await admin(world, "/api/admin/users?email=nobody@example.com").status == 404)
            #expect(try await admin(world, "/api/admin/users?phone=1&email=a@b.cn").status == 400)
            #expect(try await admin(world, "/api/admin/users/\(UUID())").status == 404)
        }
    }

    @Test func refusesMissingOrWrongTokens() async throws {
        try await LoginWorld.with(adjust: { $0.adminToken = AdminAPITests.token }) { world in
            let missing = try await admin(world, "/api/admin/users?email=a@example.com", token: nil)
            #expect(missing.status == 401)
            #expect(missing.headers.first(name: "WWW-Authenticate") == "Bearer")
            #expect(try await admin(world, "/api/admin/users?email=a@example.com", token: "wrong").status == 401)
            #expect(try await admin(world, "/api/admin/users?email=a@example.com",
                                    token: AdminAPITests.token + "x").status == 401)
            // A signed-in person's session is not an admin credential.
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            _ = try await browser.bind(contact: "13800138000")
            #expect(try await browser.get("\(LoginWorld.serverBase)/api/admin/users?phone=13800138000").status == 401)
        }
    }

    @Test func isClosedWithoutAToken() async throws {
        try await LoginWorld.with { world in
            let closed = try await admin(world, "/api/admin/users?email=a@example.com")
            #expect(closed.status == 404)
        }
    }
}
