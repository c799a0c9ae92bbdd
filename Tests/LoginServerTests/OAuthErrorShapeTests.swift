import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import Vapor
@testable import LoginServer

/// What the middlewares answer on the provider's endpoints: machines (`/oauth/token`, `/oauth/revoke`,
/// `/oauth/register`, `/oauth/userinfo`, `/oauth/jwks`, discovery) get OAuth's JSON error shape with `no-store`
/// — for a rate-limit refusal (with `Retry-After`), a body too large, a malformed body, an unknown method, or any
/// error that escaped the route — and people (`/oauth/authorize`, `/oauth/logout`) keep the bilingual page.
@Suite(.serialized) struct OAuthErrorShapeTests {
    @Test(arguments: [
        ("/oauth/token", ErrorAudience.oauth(.token)), ("//oauth/token/", .oauth(.token)),
        ("/oauth/revoke", .oauth(.revocation)), ("/oauth/register", .oauth(.registration)),
        ("/oauth/userinfo", .oauth(.userInfo)), ("/oauth/jwks", .oauth(.metadata)),
        ("/.well-known/openid-configuration", .oauth(.metadata)),
        ("/oauth/authorize", .person), ("/oauth/authorize/continue", .person), ("/oauth/logout", .person),
        ("/oauth", .person), ("/oauth/nothing", .person), ("/api/me", .api), ("//api/me", .api), ("/login", .person),
        ("/", .person), ("/.well-known/other", .person),
    ])
    func theAudienceIsDecidedByPath(path: String, audience: ErrorAudience) {
        #expect(ErrorAudience(path: path) == audience)
    }

    @Test(arguments: [
        (400, ErrorAudience.OAuthEndpoint.token, "invalid_request", nil as String?),
        (415, .token, "invalid_request", nil), (413, .revocation, "invalid_request", nil),
        (401, .token, "invalid_client", #"Basic realm="wechat-login""#),
        (400, .registration, "invalid_client_metadata", nil), (415, .registration, "invalid_client_metadata", nil),
        (404, .registration, "invalid_request", nil), (401, .registration, "invalid_token", nil),
        (400, .userInfo, "invalid_request", #"Bearer realm="wechat-login", error="invalid_request""#),
        (401, .userInfo, "invalid_token", #"Bearer realm="wechat-login", error="invalid_token""#),
        (403, .userInfo, "insufficient_scope", #"Bearer realm="wechat-login", error="insufficient_scope""#),
        (429, .userInfo, "temporarily_unavailable", nil), (500, .metadata, "server_error", nil),
        (503, .token, "temporarily_unavailable", nil), (404, .metadata, "invalid_request", nil),
    ])
    func statusesMapToTheStandardCodes(status: Int, endpoint: ErrorAudience.OAuthEndpoint, error: String, challenge: String?) {
        let answer = OAuthErrorAnswer(status: .init(statusCode: status), reason: "because", endpoint: endpoint)
        #expect(answer.error == error && answer.challenge == challenge && answer.status.code == status)
    }

    @Test func descriptionsAreRFC6749ASCIIAndFiveHundredsShowNoReason() {
        #expect(OAuthErrorAnswer.ascii(#"Value of type "String" required \ for key 'x' 值"#)
            == "Value of type String required  for key 'x'")
        #expect(OAuthErrorAnswer.ascii("值") == nil)
        let failed = OAuthErrorAnswer(status: .internalServerError, reason: "db password=hunter2", endpoint: .token)
        #expect(!failed.description.contains("hunter2"))
        #expect(OAuthErrorAnswer(status: .tooManyRequests, reason: nil, endpoint: .token, retryAfter: 7).description
            == "Too many requests; retry after 7 seconds.")
    }

    /// Errors that escape routes, through the real middleware on a bare application: each machine endpoint's shape,
    /// the pages for people, and the /api/ JSON unchanged.
    @Test func errorsEscapingRoutesTakeTheShapeOfTheirEndpoint() async throws {
        struct Internal: Error, CustomStringConvertible { var description: String { "internal detail 42" } }
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical  // the 500s below are on purpose
        do {
            app.middleware = Middlewares()
            app.middleware.use(PageErrorMiddleware())
            let thrown: [String: any Error] = [
                "token": Internal(), "revoke": Abort(.badRequest, reason: #"bad "form" \ here"#),
                "register": Abort(.unsupportedMediaType), "userinfo": Abort(.badRequest, reason: "no body here"),
                "jwks": Internal(), "authorize": Internal(), "logout": Abort(.badRequest, reason: "bad hint"),
            ]
            for (name, error) in thrown { app.post("oauth", .constant(name)) { _ -> String in throw error } }
            app.get(".well-known", "openid-configuration") { _ -> String in throw Internal() }
            app.get("api", "thing") { _ -> String in throw Abort(.conflict, reason: "taken") }

            func send(_ method: HTTPMethod, _ path: String) async throws -> (Response, [String: Any]) {
                let response = try await app.testing().performTest(
                    request: .init(method: method, url: .init(string: path), headers: [:], body: ByteBuffer()))
                let answer = Response(status: response.status, headers: response.headers)
                let json = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
                return (answer, json)
            }
            func expectOAuth(_ method: HTTPMethod, _ path: String, status: HTTPResponseStatus, error: String,
                             description: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Response {
                let (response, json) = try await send(method, path)
                #expect(response.status == status, sourceLocation: sourceLocation)
                #expect(response.headers.contentType == .json, sourceLocation: sourceLocation)
                #expect(response.headers.first(name: .cacheControl) == "no-store", sourceLocation: sourceLocation)
                #expect(json["error"] as? String == error, sourceLocation: sourceLocation)
                #expect(Set(json.keys) == ["error", "error_description"], sourceLocation: sourceLocation)
                if let description { #expect(json["error_description"] as? String == description, sourceLocation: sourceLocation) }
                #expect(!"\(json)".contains("internal detail"), "no internals", sourceLocation: sourceLocation)
                return response
            }

            _ = try await expectOAuth(.POST, "/oauth/token", status: .internalServerError, error: "server_error")
            _ = try await expectOAuth(.POST, "/oauth/revoke", status: .badRequest, error: "invalid_request",
                                      description: "bad form  here")
            _ = try await expectOAuth(.POST, "/oauth/register", status: .unsupportedMediaType, error: "invalid_client_metadata")
            let userInfo = try await expectOAuth(.POST, "/oauth/userinfo", status: .badRequest, error: "invalid_request",
                                                 description: "no body here")
            #expect(userInfo.headers.first(name: .wwwAuthenticate) == #"Bearer realm="wechat-login", error="invalid_request""#)
            _ = try await expectOAuth(.POST, "/oauth/jwks", status: .internalServerError, error: "server_error")
            _ = try await expectOAuth(.GET, "/.well-known/openid-configuration", status: .internalServerError,
                                      error: "server_error")
            // No route: the router's 404 (a wrong method included) in the endpoint's shape.
            _ = try await expectOAuth(.GET, "/oauth/token", status: .notFound, error: "invalid_request")
            _ = try await expectOAuth(.DELETE, "/oauth/userinfo", status: .notFound, error: "invalid_request")

            for path in ["/oauth/authorize", "/oauth/logout"] {
                let (page, _) = try await send(.POST, path)
                #expect(page.headers.contentType == .html, "\(path) stays a page for people")
            }
            let (api, json) = try await send(.GET, "/api/thing")
            #expect(api.status == .conflict && json["error"] as? Bool == true && json["reason"] as? String == "taken")
        } catch {
            try await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    @Test func rateLimitRefusalsAreOAuthErrorsForMachinesAndPagesForPeople() async throws {
        try await LoginWorld.with(adjust: {
            $0.rateLimits.token = 1
            $0.rateLimits.admin = 1
            $0.rateLimits.login = 1
        }) { world in
            for path in ["/oauth/userinfo", "/oauth/token", "/oauth/register"] {
                _ = try await world.send(path, from: "203.0.113.7")
                let refused = try await world.send(path, from: "203.0.113.7")
                #expect(refused.status == .tooManyRequests, "\(path)")
                #expect(refused.headers.first(name: .retryAfter) == "60", "\(path)")
                #expect(refused.headers.contentType == .json, "\(path)")
                #expect(refused.headers.first(name: .cacheControl) == "no-store", "\(path)")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(buffer: refused.body.buffer ?? ByteBuffer())) as? [String: Any])
                #expect(json["error"] as? String == "temporarily_unavailable", "\(path)")
                #expect(json["error_description"] as? String == "Too many requests; retry after 60 seconds.", "\(path)")
            }
            _ = try await world.send("/oauth/authorize", from: "203.0.113.7")
            let page = try await world.send("/oauth/authorize", from: "203.0.113.7")
            #expect(page.status == .tooManyRequests && page.headers.contentType == .html)
            #expect(page.headers.first(name: .retryAfter) == "60")
            #expect(page.body.string?.contains("请求过于频繁") == true)
        }
    }

    /// Over real HTTP: the in-process tester hands routes a body already collected, which no size limit sees.
    @Test func tooLargeAndMalformedBodiesAreOAuthErrors() async throws {
        try await LoginWorld.with(adjust: { $0.adminToken = OIDCClientRegistrationTests.token }) { world in
            try await world.server.server.start(address: .hostname("127.0.0.1", port: 0))
            let base = "http://127.0.0.1:\(world.server.http.server.shared.localAddress?.port ?? 0)"
            func post(_ path: String, _ body: String, contentType: String,
                      authorization: String? = nil) async throws -> (status: Int, headers: HTTPHeaders, json: [String: Any]) {
                var request = HTTPClientRequest(url: base + path)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: contentType)
                if let authorization { request.headers.add(name: "Authorization", value: authorization) }
                request.body = .bytes(ByteBuffer(string: body))
                let response = try await world.http.execute(request, timeout: .seconds(30))
                let data = try await response.body.collect(upTo: 1 << 20)
                let json = (try? JSONSerialization.jsonObject(with: Data(buffer: data))) as? [String: Any] ?? [:]
                return (Int(response.status.code), response.headers, json)
            }
            let huge = String(repeating: "a", count: 100_000)
            let form = "application/x-www-form-urlencoded"
            for path in ["/oauth/token", "/oauth/revoke", "/oauth/userinfo"] {
                let answer = try await post(path, "x=" + huge, contentType: form)
                #expect(answer.status == 413 && answer.json["error"] as? String == "invalid_request", "\(path) \(answer.json)")
                #expect(answer.json["error_description"] as? String == "The request body is too large.", "\(path)")
                #expect(answer.headers.first(name: "Cache-Control") == "no-store", "\(path)")
            }
            let register = try await post("/oauth/register", #"{"client_name":"\#(huge)"}"#, contentType: "application/json",
                                          authorization: "Bearer \(OIDCClientRegistrationTests.token)")
            #expect(register.status == 413 && register.json["error"] as? String == "invalid_client_metadata")
            #expect(register.headers.first(name: "Cache-Control") == "no-store")

            // A body the token endpoint cannot read is invalid_request, as before.
            let notForm = try await post("/oauth/token", "{}", contentType: "application/json")
            #expect(notForm.status == 400 && notForm.json["error"] as? String == "invalid_request")
            // People's endpoints keep their pages: a sign-out form that is not a form is a 415 page.
            let logout = try await world.browser().send(.POST, "\(LoginWorld.serverBase)/oauth/logout", body: "x",
                                                        contentType: "application/octet-stream")
            #expect(logout.status == 415 && logout.headers.contentType == .html)
        }
    }

    @Test func closedRegistrationIsAnOAuthNotFound() async throws {
        try await LoginWorld.with { world in
            let register = try await OIDCClientRegistrationTests.send(world, .POST, "/oauth/register",
                                                                      json: OIDCClientRegistrationTests.publicClient)
            #expect(register.status == 404 && register.json["error"] as? String == "invalid_request")
            #expect(register.headers.first(name: .cacheControl) == "no-store")
        }
    }
}
