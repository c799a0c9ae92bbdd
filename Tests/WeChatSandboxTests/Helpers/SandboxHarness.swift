import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import Vapor
@testable import WeChatSandbox

/// A response as the tests see it.
struct HTTPResult: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: String

    /// The body as a JSON object (empty when not an object).
    var json: [String: Any] {
        guard let data = body.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    var errcode: Int? { json["errcode"] as? Int }
    var errmsg: String { json["errmsg"] as? String ?? "" }
    var location: String { headers.first(name: "location") ?? "" }
    func string(_ key: String) -> String? { json[key] as? String }
    func int(_ key: String) -> Int? { json[key] as? Int }
}

/// A sandbox running on a real port, with an HTTP client that does not follow redirects.
final class SandboxHarness: Sendable {
    let sandbox: Sandbox
    let base: String
    let client: HTTPClient
    let app: Application

    static let oa = SandboxConfiguration.defaultOfficialAccountID
    static let oaSecret = "3f6c2a9e8b1d4f7a0c5e9b2d6a8f1c3e"
    static let web = SandboxConfiguration.defaultWebsiteAppID
    static let webSecret = "9b7d5f3a1c8e6b4d2f0a9c7e5b3d1f8a"
    static let test = SandboxConfiguration.defaultTestAccountID
    static let testSecret = "5d3b1f9e7c5a3e1b9d7f5c3a1e9b7d5f"
    static let orderTemplate = "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY"
    static let categoryTemplate = "Zc7Vb5Nm3Qa1Ws9Ed7Rf5Tg3Yh1Uj9Ik7Ol5Pz3Xc1V"

    private init(sandbox: Sandbox, app: Application, base: String) {
        self.sandbox = sandbox
        self.app = app
        self.base = base
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        // A connection waits in the pool up to the connect timeout: 200 requests at once on a loaded CI machine took longer than 5 s.
        configuration.timeout = .init(connect: .seconds(30), read: .seconds(30))
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Runs `body` against a fresh sandbox on port 0.
    /// `frozenClock`: the sandbox's time moves only when the test advances it, for exact lifetimes under load.
    static func with(
        _ adjust: (inout SandboxConfiguration) -> Void = { _ in },
        frozenClock: Bool = false,
        routes: (Application) -> Void = { _ in },
        _ body: (SandboxHarness) async throws -> Void
    ) async throws {
        var configuration = SandboxConfiguration()
        configuration.lifetimes.longPollHold = 0.3
        configuration.lifetimes.pushRetryInterval = 0.05
        adjust(&configuration)
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        let start = Date()
        let clock = frozenClock ? SandboxClock(reference: { start }) : SandboxClock()
        let sandbox = Sandbox(configuration: configuration, clock: clock)
        sandbox.register(on: app)
        routes(app)
        do {
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = app.http.server.shared.localAddress?.port ?? 0
            let harness = SandboxHarness(sandbox: sandbox, app: app, base: "http://127.0.0.1:\(port)")
            do {
                try await body(harness)
            } catch {
                try? await harness.client.shutdown()
                throw error
            }
            try await harness.client.shutdown()
        } catch {
            await app.server.shutdown()
            try? await app.asyncShutdown()
            throw error
        }
        await app.server.shutdown()
        try await app.asyncShutdown()
    }

    /// Sends a request; `path` includes the query.
    func request(
        _ method: NIOHTTP1.HTTPMethod, _ path: String, body: String? = nil, contentType: String? = nil,
        headers extra: [(String, String)] = []
    ) async throws -> HTTPResult {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let contentType { request.headers.add(name: "content-type", value: contentType) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 4 << 20)
        return HTTPResult(status: Int(response.status.code), headers: response.headers, body: String(buffer: buffer))
    }

    func get(_ path: String, user: String? = nil, headers: [(String, String)] = []) async throws -> HTTPResult {
        try await request(.GET, path, headers: (user.map { [("X-Sandbox-User", $0)] } ?? []) + headers)
    }

    func postJSON(_ path: String, _ body: String) async throws -> HTTPResult {
        try await request(.POST, path, body: body, contentType: "application/json")
    }

    func postForm(_ path: String, _ body: String, user: String? = nil) async throws -> HTTPResult {
        try await request(.POST, path, body: body, contentType: "application/x-www-form-urlencoded",
                          headers: user.map { [("X-Sandbox-User", $0)] } ?? [])
    }

    func advance(_ seconds: Double) async {
        await sandbox.clock.advance(by: seconds)
    }

    func openID(_ user: String, _ appID: String = SandboxHarness.oa) -> String {
        sandbox.openID(userID: user, appID: appID)
    }
}
