import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import Vapor
import WeChatKit
import WeChatSandbox

/// The sandbox on a real port and WeChatKit's real clients pointed at it: every call is a real HTTP round trip.
final class RoundTrip: Sendable {
    let sandbox: Sandbox
    let app: Application
    let base: String
    let http: HTTPClient
    let officialAccount: AppCredentials
    let website: AppCredentials
    let endpoint: Endpoint

    private init(sandbox: Sandbox, app: Application, base: String, officialAccount: AppCredentials,
                 website: AppCredentials) {
        self.sandbox = sandbox
        self.app = app
        self.base = base
        self.officialAccount = officialAccount
        self.website = website
        self.endpoint = .sandbox(baseURL: base)
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static func with(_ body: (RoundTrip) async throws -> Void) async throws {
        var configuration = SandboxConfiguration()
        configuration.lifetimes.longPollHold = 0.2
        let app = try await Application.make(.testing)
        app.logger.logLevel = .critical
        let sandbox = Sandbox(configuration: configuration)
        sandbox.register(on: app)
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let base = "http://127.0.0.1:\(app.http.server.shared.localAddress?.port ?? 0)"
        func credentials(_ id: String) async throws -> AppCredentials {
            let app = try #require(await sandbox.app(id))
            return AppCredentials(appID: app.appID, secret: app.secret)
        }
        let world = RoundTrip(
            sandbox: sandbox, app: app, base: base,
            officialAccount: try await credentials(SandboxConfiguration.defaultOfficialAccountID),
            website: try await credentials(SandboxConfiguration.defaultWebsiteAppID))
        var failure: (any Error)?
        do {
            for (id, field) in [(world.officialAccount.appID, "webAuthDomain"), (world.website.appID, "callbackDomain")] {
                try await world.control(.PATCH, "apps/\(id)", json: #"{"\#(field)":"app.example"}"#)
            }
            try await body(world)
        } catch {
            failure = error
        }
        try await world.http.shutdown()
        await app.server.shutdown()
        try await app.asyncShutdown()
        if let failure { throw failure }
    }

    /// An OAuth client for one of the sandbox's apps.
    func oauth(_ credentials: AppCredentials) -> OAuthClient {
        OAuthClient(credentials: credentials, configuration: .init(endpoint: endpoint), httpClient: http)
    }

    /// An access-token provider for the official account.
    func tokenProvider(mode: AccessTokenProvider.Mode = .classic,
                       store: any AccessTokenStore = InMemoryAccessTokenStore()) -> AccessTokenProvider {
        AccessTokenProvider(
            credentials: officialAccount, store: store,
            configuration: .init(endpoint: endpoint, mode: mode), httpClient: http)
    }

    /// A plain GET as a browser would send it (the fragment dropped), as WeChat user `user`.
    func browse(_ url: String, user: String? = nil, consent: String? = nil) async throws -> (status: Int, location: String?, body: String) {
        let clean = url.split(separator: "#", maxSplits: 1).first.map(String.init) ?? url
        var request = HTTPClientRequest(url: clean)
        if let user { request.headers.add(name: "X-Sandbox-User", value: user) }
        if let consent { request.headers.add(name: "X-Sandbox-Consent", value: consent) }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 22))
        return (Int(response.status.code), response.headers.first(name: "location"), body)
    }

    /// A control-API call; returns the JSON body.
    @discardableResult
    func control(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: "\(base)/sandbox/api/\(path)")
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 22)
        #expect((200..<300).contains(response.status.code), "\(method) \(path): \(String(buffer: body))")
        return (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    /// The template messages user `id` received, as the sandbox's phone shows them.
    func inbox(_ id: String) async throws -> [[String: Any]] {
        let response = try await http.execute(HTTPClientRequest(url: "\(base)/sandbox/api/users/\(id)/messages"),
                                              timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 22)
        return (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [[String: Any]] ?? []
    }

    /// The calls the sandbox counted for `path`.
    func calls(_ path: String) async throws -> Int {
        try await control(.GET, "counters")[path] as? Int ?? 0
    }

    /// Moves the sandbox's clock.
    func advance(_ seconds: Int) async throws {
        try await control(.POST, "clock/advance", json: #"{"seconds":\#(seconds)}"#)
    }

    /// A query parameter of a URL.
    static func query(_ url: String, _ name: String) -> String? {
        URLComponents(string: url)?.queryItems?.first { $0.name == name }?.value
    }
}
