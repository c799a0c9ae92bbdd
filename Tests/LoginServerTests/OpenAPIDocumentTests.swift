import Foundation
import NIOHTTP1
import Testing
import Vapor
@testable import LoginServer

/// `/openapi.json` is a contract: it names every JSON route the app registers, and the server's real answers —
/// successes and errors — match what it says (status, content type, headers, schema). schemathesis fuzzes the same
/// document against the running server in `scripts/api-fuzz-test`.
@Suite(.serialized) struct OpenAPIDocumentTests {
    static let token = "admin-token-0123456789abcdef0123"

    /// Routes that are not JSON: pages and forms for people, WeChat's XML endpoint, Prometheus text. A new route
    /// must be documented in `OpenAPIDocument` or, when it serves no JSON, listed here.
    static let notJSON: Set<String> = [
        "GET /", "GET /dev/outbox", "GET /login", "GET /auth/wechat/callback",
        "GET /bind", "POST /bind/code", "GET /bind/verify", "POST /bind/verify",
        "GET /account", "POST /account/identities/{identityID}/unbind", "POST /account/identities/{identityID}/refresh",
        "POST /account/contact/code", "GET /account/contact/verify", "POST /account/contact/verify",
        "POST /account/export", "GET /account/delete", "POST /account/delete",
        "POST /logout", "GET /wechat/events", "POST /wechat/events", "GET /metrics",
        "GET /oauth/authorize", "GET /oauth/authorize/continue", "GET /oauth/logout", "POST /oauth/logout",
        // The follow-to-sign-in page's own helpers: its QR image and its long-polled status (the page's script,
        // bound to the page's browser; a 25-second hold is no API to fuzz).
        "GET /login/follow/qr", "GET /login/follow/status",
        // The embeddable follow-login: a page for a frame and the top window's form post (HTML, redirects).
        "GET /login/follow/embed", "POST /login/follow/finish",
    ]

    static func served(_ world: LoginWorld) async throws -> OpenAPIContract {
        let document = try await world.browser().get("\(LoginWorld.serverBase)/openapi.json")
        #expect(document.status == 200)
        #expect(document.headers.first(name: .contentType)?.hasPrefix("application/json") == true)
        return try OpenAPIContract(json: document.body)
    }

    @Test func theDocumentNamesEveryJSONRouteAndNothingElse() async throws {
        try await LoginWorld.with { world in
            let contract = try await Self.served(world)
            #expect(contract.document["openapi"] == .string("3.1.0"))
            #expect(contract.unresolvedReferences().isEmpty, "\(contract.unresolvedReferences())")
            let documented = Set(contract.operations.map { "\($0.method.uppercased()) \($0.path)" })
            let registered = Set(world.server.routes.all.map { route in
                "\(route.method.rawValue) /" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return "{\(name)}" }
                    return "\(component)"
                }.joined(separator: "/")
            })
            #expect(documented.count > 10)
            for route in registered.subtracting(Self.notJSON) {
                #expect(documented.contains(route), "\(route) is registered but missing from /openapi.json")
            }
            for operation in documented {
                #expect(registered.contains(operation), "\(operation) is documented but not registered")
            }
            let ids = contract.operations.compactMap { $0.operation["operationId"]?.string }
            #expect(ids.count == contract.operations.count && Set(ids).count == ids.count, "operationIds: \(ids)")
            for (path, method, operation) in contract.operations {
                #expect(operation["responses"]?.object?.isEmpty == false, "\(method) \(path) documents no response")
            }
        }
    }

    @Test func realAnswersMatchTheDocument() async throws {
        try await LoginWorld.with(adjust: { $0.adminToken = OpenAPIDocumentTests.token }) { world in
            let contract = try await Self.served(world)
            var problems: [String] = []
            func check(_ method: String, _ template: String, _ result: Browser.Result, expect statuses: Set<Int>) {
                #expect(statuses.contains(result.status), "\(method) \(result.url): \(result.status) \(result.body.prefix(200))")
                problems += contract.problems(method, template, status: result.status,
                                              headers: result.headers.map { ($0.name, $0.value) }, body: result.body)
            }
            func admin(_ method: HTTPMethod, _ path: String, json: String? = nil, contentType: String? = "application/json",
                       token: String? = OpenAPIDocumentTests.token) async throws -> Browser.Result {
                var headers = HTTPHeaders()
                if let token { headers.add(name: .authorization, value: "Bearer \(token)") }
                if json != nil, let contentType { headers.add(name: .contentType, value: contentType) }
                let response = try await world.server.testing().performTest(
                    request: .init(method: method, url: .init(string: path), headers: headers, body: .init(string: json ?? "")))
                return Browser.Result(status: Int(response.status.code), headers: response.headers,
                                      body: String(buffer: response.body), url: path)
            }
            let base = LoginWorld.serverBase

            let stranger = world.browser()
            check("GET", "/api/me", try await stranger.get("\(base)/api/me"), expect: [401])
            check("GET", "/livez", try await stranger.get("\(base)/livez"), expect: [200])
            check("GET", "/healthz", try await stranger.get("\(base)/healthz"), expect: [200])
            check("GET", "/openapi.json", try await stranger.get("\(base)/openapi.json"), expect: [200])
            check("GET", "/oauth/jwks", try await stranger.get("\(base)/oauth/jwks"), expect: [200])

            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            _ = try await browser.bind(contact: "13800138000")
            check("GET", "/dev/outbox.json", try await browser.get("\(base)/dev/outbox.json"), expect: [200])
            let me = try await browser.get("\(base)/api/me")
            check("GET", "/api/me", me, expect: [200])
            let userID = try #require((me.json["user"] as? [String: Any])?["id"] as? String)
            let identityID = try #require((me.json["identities"] as? [[String: Any]])?.first?["id"] as? String)
            // Without X-CSRF-Token these may be refused (403) once the session's POSTs require it.
            check("POST", "/api/me/identities/{identityID}/refresh",
                  try await browser.send(.POST, "\(base)/api/me/identities/\(identityID)/refresh"), expect: [200, 403])
            check("POST", "/api/me/identities/{identityID}/unbind",
                  try await browser.send(.POST, "\(base)/api/me/identities/\(identityID)/unbind"), expect: [409, 403])
            check("POST", "/api/me/identities/{identityID}/unbind",
                  try await browser.send(.POST, "\(base)/api/me/identities/not-a-uuid/unbind"), expect: [404, 403])

            check("GET", "/api/admin/users/{userID}", try await admin(.GET, "/api/admin/users/\(userID)"), expect: [200])
            check("GET", "/api/admin/users/{userID}", try await admin(.GET, "/api/admin/users/\(userID)", token: nil), expect: [401])
            check("GET", "/api/admin/users", try await admin(.GET, "/api/admin/users?phone=13800138000"), expect: [200])
            check("GET", "/api/admin/users", try await admin(.GET, "/api/admin/users?phone=1&email=a@b.cn"), expect: [400])
            check("GET", "/api/admin/users", try await admin(.GET, "/api/admin/users?email=nobody@example.com"), expect: [404])
            check("GET", "/api/admin/access-token", try await admin(.GET, "/api/admin/access-token"), expect: [200])

            let byExternalID = "/api/admin/users/by-external-id/{externalID}"
            let upsert = #"{"phone":"+86 139 0013 9000","email":"Biz1@Example.com","name":"Biz One"}"#
            check("PUT", byExternalID, try await admin(.PUT, "/api/admin/users/by-external-id/biz-1", json: upsert), expect: [201])
            check("PUT", byExternalID, try await admin(.PUT, "/api/admin/users/by-external-id/biz-1", json: upsert), expect: [200])
            check("PUT", byExternalID, try await admin(.PUT, "/api/admin/users/by-external-id/biz-2", json: #"{"phone":"13900139000"}"#), expect: [409])
            check("PUT", byExternalID, try await admin(.PUT, "/api/admin/users/by-external-id/biz-2", json: #"{"phone":"12"}"#), expect: [422])
            check("PUT", byExternalID, try await admin(.PUT, "/api/admin/users/by-external-id/%20biz", json: "{}"), expect: [400])
            check("PUT", byExternalID, try await admin(.PUT, "/api/admin/users/by-external-id/biz-2", json: "{"), expect: [400])
            check("GET", byExternalID, try await admin(.GET, "/api/admin/users/by-external-id/biz-1"), expect: [200])
            check("GET", byExternalID, try await admin(.GET, "/api/admin/users/by-external-id/biz-9"), expect: [404])
            check("GET", "/api/admin/users", try await admin(.GET, "/api/admin/users?external_id=biz-1"), expect: [200])
            let users = #"{"users":[{"externalID":"biz-3","email":"b3@example.com"},{"externalID":"biz-4","phone":"13900139000"}]}"#
            check("POST", "/api/admin/users/batch", try await admin(.POST, "/api/admin/users/batch", json: users), expect: [200])
            check("POST", "/api/admin/users/batch",
                  try await admin(.POST, "/api/admin/users/batch", json: #"{"users":[{"externalID":""}]}"#), expect: [422])
            check("POST", "/api/admin/users/batch", try await admin(.POST, "/api/admin/users/batch", json: #"{"users":[]}"#), expect: [422])
            check("PATCH", "/api/admin/users/{userID}",
                  try await admin(.PATCH, "/api/admin/users/\(userID)", json: #"{"externalID":"biz-5"}"#), expect: [200])
            check("PATCH", "/api/admin/users/{userID}",
                  try await admin(.PATCH, "/api/admin/users/\(userID)", json: #"{"externalID":"biz-1"}"#), expect: [409])
            check("PATCH", "/api/admin/users/{userID}",
                  try await admin(.PATCH, "/api/admin/users/\(userID)", json: #"{"email":"nope"}"#), expect: [422])
            check("PATCH", "/api/admin/users/{userID}",
                  try await admin(.PATCH, "/api/admin/users/\(UUID())", json: "{}"), expect: [404])

            let message = ##"{"openid":"o-contract","template_id":"t1","url":"https://shop.example.com/1","data":{"first":{"value":"hi","color":"#173177"}},"idempotency_key":"k-1"}"##
            let queued = try await admin(.POST, "/api/template-messages", json: message)
            check("POST", "/api/template-messages", queued, expect: [202])
            check("POST", "/api/template-messages", try await admin(.POST, "/api/template-messages", json: message), expect: [200])
            let messageID = try #require(queued.json["id"] as? String)
            check("GET", "/api/template-messages/{messageID}", try await admin(.GET, "/api/template-messages/\(messageID)"), expect: [200])
            check("GET", "/api/template-messages/{messageID}", try await admin(.GET, "/api/template-messages/\(UUID())"), expect: [404])
            check("POST", "/api/template-messages", try await admin(.POST, "/api/template-messages", json: message, contentType: nil), expect: [415])
            check("POST", "/api/template-messages", try await admin(.POST, "/api/template-messages", json: "{"), expect: [400])
            check("POST", "/api/template-messages",
                  try await admin(.POST, "/api/template-messages", json: #"{"openid":"o","template_id":"t 1","data":{"a":{"value":""}}}"#), expect: [422])
            // The document's pattern for colours is ASCII #RRGGBB; fullwidth digits are refused, not sent to WeChat.
            let fullwidth = ##"{"openid":"o-contract","template_id":"t1","data":{"first":{"value":"hi","color":"#１７３１７７"}}}"##
            check("POST", "/api/template-messages", try await admin(.POST, "/api/template-messages", json: fullwidth), expect: [422])
            let batch = #"{"recipients":[{"openid":"o-contract-2"},{"user_id":"\#(UUID())"}],"template_id":"t1","data":{"first":{"value":"hi"}}}"#
            check("POST", "/api/template-messages/batch", try await admin(.POST, "/api/template-messages/batch", json: batch), expect: [202])
            let refused = #"{"recipients":[{"user_id":"\#(UUID())"}],"template_id":"t1","data":{"first":{"value":"hi"}}}"#
            check("POST", "/api/template-messages/batch", try await admin(.POST, "/api/template-messages/batch", json: refused), expect: [422])
            check("POST", "/api/template-messages/batch", try await admin(.POST, "/api/template-messages/batch", json: "[]"), expect: [400])

            // The OpenID Connect provider: discovery, a code redeemed, userinfo, and their errors.
            check("GET", "/.well-known/openid-configuration",
                  try await stranger.get("\(base)/.well-known/openid-configuration"), expect: [200])
            let client = try await TestRelyingParty.register(world)
            let code = try #require(try client.answer(try await browser.get(client.authorizeURL()))["code"])
            let tokens = try await client.redeem(world, code: code)
            check("POST", "/oauth/token", tokens, expect: [200])
            check("POST", "/oauth/token", try await client.redeem(world, code: code), expect: [400])
            check("POST", "/oauth/token", try await TestRelyingParty.post(
                world, "/oauth/token", form: [("grant_type", "authorization_code"), ("client_id", "nobody"), ("client_secret", "x")],
                authorization: nil), expect: [401])
            let fresh = try #require(try client.answer(try await browser.get(client.authorizeURL()))["code"])
            let accessToken = try #require(try await client.redeem(world, code: fresh).json["access_token"] as? String)
            check("GET", "/oauth/userinfo", try await TestRelyingParty.userInfo(world, token: accessToken), expect: [200])
            check("GET", "/oauth/userinfo", try await TestRelyingParty.userInfo(world, token: "x.y.z"), expect: [401])
            check("GET", "/oauth/userinfo", try await stranger.get("\(base)/oauth/userinfo"), expect: [401])

            check("POST", "/api/logout", try await browser.send(.POST, "\(base)/api/logout"), expect: [204, 403])
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }

    @Test func outsideSandboxModeTheOutboxIsAPage() async throws {
        try await LoginWorld.with(adjust: { $0.sandboxMode = false }) { world in
            let contract = try await Self.served(world)
            let outbox = try await world.browser().get("\(LoginWorld.serverBase)/dev/outbox.json")
            #expect(outbox.status == 404)
            let problems = contract.problems("GET", "/dev/outbox.json", status: outbox.status,
                                             headers: outbox.headers.map { ($0.name, $0.value) }, body: outbox.body)
            #expect(problems.isEmpty, "\(problems)")
        }
    }
}
