import AsyncHTTPClient
import Testing
import Foundation
import NIOCore
import NIOHTTP1
import Vapor
import VaporTesting

/// A scripted browser: a cookie jar per host, a user agent, and redirects followed on request.
///
/// Requests for `login.test` go to the login server in process; every other URL goes over real HTTP (the sandbox).
final class Browser {
    static let desktopUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"
    static let weChatUserAgent = "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560(0x28002F37) NetType/WIFI Language/zh_CN"

    /// One response.
    struct Result {
        let status: Int
        let headers: HTTPHeaders
        let body: String
        let url: String

        var location: String? { headers.first(name: "location") }

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }

        /// The value of a hidden or visible form input named `name`.
        func input(_ name: String) -> String? {
            guard let range = body.range(of: "name=\"\(name)\" value=\"") else { return nil }
            let rest = body[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }
    }

    let world: LoginWorld
    var userAgent: String
    /// Extra headers sent to the sandbox (e.g. `X-Sandbox-User`).
    var sandboxHeaders: [(String, String)] = []
    private(set) var cookies: [String: [String: String]] = [:]

    init(world: LoginWorld, userAgent: String) {
        self.world = world
        self.userAgent = userAgent
    }

    /// The `Cookie` header this browser sends to the login server.
    var serverCookieHeader: String {
        (cookies["login.test"] ?? [:]).map { "\($0)=\($1)" }.sorted().joined(separator: "; ")
    }

    /// Acts as WeChat user `id` on the sandbox's pages, consenting (or not) when asked.
    func actAsWeChatUser(_ id: String, consent: String = "allow") {
        sandboxHeaders = [("X-Sandbox-User", id), ("X-Sandbox-Consent", consent)]
    }

    func get(_ url: String) async throws -> Result {
        try await send(.GET, url)
    }

    func post(_ url: String, form: [(String, String)]) async throws -> Result {
        let body = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(.POST, url, body: body, contentType: "application/x-www-form-urlencoded")
    }

    /// Follows redirects from `result` (at most `limit`), returning the first non-redirect response.
    func follow(_ result: Result, limit: Int = 10) async throws -> Result {
        var current = result
        for _ in 0..<limit {
            guard (300..<400).contains(current.status), let location = current.location else { return current }
            current = try await get(resolve(location, against: current.url))
        }
        return current
    }

    /// GET and follow redirects.
    func open(_ url: String) async throws -> Result {
        try await follow(try await get(url))
    }

    /// A POST to the JSON API with the session's CSRF header, read from `GET /api/me` (as a page's script does).
    func apiPost(_ url: String) async throws -> Result {
        let me = try await get("\(LoginWorld.serverBase)/api/me")
        let token = try #require(me.json["csrfToken"] as? String, "GET /api/me carries the CSRF token")
        return try await send(.POST, url, headers: [("X-CSRF-Token", token)])
    }

    func send(_ method: HTTPMethod, _ rawURL: String, body: String? = nil, contentType: String? = nil,
              headers extra: [(String, String)] = []) async throws -> Result {
        let url = rawURL.split(separator: "#", maxSplits: 1).first.map(String.init) ?? rawURL
        guard let components = URLComponents(string: url), let host = components.host else {
            throw URLError(.badURL)
        }
        let hostKey = host + (components.port.map { ":\($0)" } ?? "")
        var headers = HTTPHeaders()
        headers.add(name: .userAgent, value: userAgent)
        if let jar = cookies[hostKey], !jar.isEmpty {
            headers.add(name: .cookie, value: jar.map { "\($0)=\($1)" }.sorted().joined(separator: "; "))
        }
        if let contentType { headers.add(name: .contentType, value: contentType) }
        for (name, value) in extra { headers.add(name: name, value: value) }
        let result: Result
        if url.hasPrefix(LoginWorld.serverBase) {
            let path = String(url.dropFirst(LoginWorld.serverBase.count))
            let request = TestingHTTPRequest(
                method: method, url: URI(string: path.isEmpty ? "/" : path), headers: headers,
                body: ByteBuffer(string: body ?? ""))
            let response = try await world.server.testing().performTest(request: request)
            result = Result(status: Int(response.status.code), headers: response.headers,
                            body: String(buffer: response.body), url: url)
        } else {
            for (name, value) in sandboxHeaders { headers.add(name: name, value: value) }
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers = headers
            if let body { request.body = .bytes(ByteBuffer(string: body)) }
            let response = try await world.http.execute(request, timeout: .seconds(30))
            let bytes = try await response.body.collect(upTo: 8 << 20)
            result = Result(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes),
                            url: url)
        }
        store(result.headers, host: hostKey)
        return result
    }

    private func store(_ headers: HTTPHeaders, host: String) {
        for line in headers[.setCookie] {
            let pair = line.split(separator: ";", maxSplits: 1).first.map(String.init) ?? line
            // An empty value (a deleted cookie) must still split into two parts.
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            let lower = line.lowercased()
            if parts[1].isEmpty || lower.contains("max-age=0") || lower.contains("expires=thu, 01 jan 1970") {
                cookies[host]?[parts[0]] = nil
            } else {
                cookies[host, default: [:]][parts[0]] = parts[1]
            }
        }
    }

    /// The raw `Set-Cookie` attributes of a cookie the server set last, for attribute checks.
    static func setCookieLine(_ result: Result, named name: String) -> String? {
        result.headers[.setCookie].first { $0.hasPrefix(name + "=") }
    }

    private func resolve(_ location: String, against base: String) -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
        guard let components = URLComponents(string: base), let scheme = components.scheme,
              let host = components.host else { return location }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)\(location)"
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        allowed.remove(charactersIn: "")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// A query parameter of a URL.
    static func query(_ url: String, _ name: String) -> String? {
        let clean = url.split(separator: "#", maxSplits: 1).first.map(String.init) ?? url
        return URLComponents(string: clean)?.queryItems?.first { $0.name == name }?.value
    }
}
