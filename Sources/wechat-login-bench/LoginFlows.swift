import Foundation

/// One browser (and the phone that scans for it) walking a whole WeChat login, as the tests' `Browser` does:
/// every HTTP exchange a real one makes, cookies kept for the login server only.
struct LoginFlows: Sendable {
    let client: BenchClient
    /// The sandbox's base URL.
    let sandbox: String
    /// The login server under test (ours or the peer).
    let target: String

    static let desktopAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
    static let weChatAgent = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Mobile Safari/537.36 MicroMessenger/8.0.47"

    enum Flow: String, Sendable {
        case pcQR = "PC QR"
        case inWeChat = "in-WeChat"
        /// Follow-to-sign-in: the official account's QR code on the PC page (a server with `PC_LOGIN=official-account`).
        case followLogin = "follow-login"
    }

    /// HTTP exchanges one login takes, with the login server's share (PC QR and in-WeChat: its two requests and its
    /// two calls to WeChat; follow-login: the page with its `qrcode/create`, the image with its `showqrcode`, the
    /// push, and the status poll with its `user/info`).
    static func exchanges(_ flow: Flow) -> (total: Int, server: Int) {
        switch flow {
        case .pcQR: (total: 8, server: 4)
        case .inWeChat: (total: 5, server: 4)
        case .followLogin: (total: 9, server: 7)
        }
    }

    /// The plain login: a fresh browser at `/login`, which the login server sends back to `/account`, or to `/bind`
    /// for an identity bound to no account yet.
    func login(_ flow: Flow, as user: String) async throws {
        var jar = CookieJar()
        _ = try await signIn(flow, as: user, from: "/login?return_to=%2Faccount", jar: &jar, landing: ["/bind", "/account"])
    }

    /// The browser's user agent in `flow`.
    static func agent(_ flow: Flow) -> String { flow == .inWeChat ? weChatAgent : desktopAgent }

    /// The WeChat sign-in from `start` (a `/login…` path) through the callback, with the browser's `jar`; the
    /// callback must redirect to a path starting with one of `landing`. Answers that path.
    func signIn(_ flow: Flow, as user: String, from start: String, jar: inout CookieJar, landing: [String]) async throws -> String {
        switch flow {
        case .pcQR: try await pcLogin(as: user, from: start, jar: &jar, landing: landing)
        case .inWeChat: try await weChatLogin(as: user, from: start, jar: &jar, landing: landing)
        case .followLogin: try await followLogin(as: user, from: start, jar: &jar, landing: landing)
        }
    }

    /// `/login` (the account's QR code on our page) → its image → the phone opens what the code encodes and presses
    /// Follow / Open chat (the sandbox pushes to the server) → the page's status poll signs in.
    private func followLogin(as user: String, from start: String, jar: inout CookieJar, landing: [String]) async throws -> String {
        let desktop = [("User-Agent", Self.desktopAgent)]
        let page = try await client.request(.GET, target + start, headers: desktop + jar.headers)
        jar.take(page)
        guard page.status == 200, let marker = page.body.range(of: "/login/follow/status?scene="),
              let open = page.body.range(of: #"id="follow-open" href=""#) else {
            throw BenchFailure("/login answered \(page.status) without the official account's QR code")
        }
        let scene = String(page.body[marker.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        let scanURL = String(page.body[open.upperBound...].prefix { $0 != "\"" })
        let image = try await client.request(.GET, target + "/login/follow/qr?scene=\(scene)", headers: desktop + jar.headers)
        guard image.status == 200 else { throw BenchFailure("the QR image answered \(image.status)") }
        let phone = [("User-Agent", Self.weChatAgent), ("X-Sandbox-User", user)]
        let scan = try await client.request(.GET, scanURL, headers: phone)
        guard scan.status == 200 else { throw BenchFailure("the scan page answered \(scan.status)") }
        let follow = try await client.request(.POST, scanURL, headers: phone, body: "action=accept",
                                              contentType: "application/x-www-form-urlencoded")
        guard follow.status < 400 else { throw BenchFailure("Follow answered \(follow.status)") }
        for _ in 0..<20 {
            let poll = try await client.request(.GET, target + "/login/follow/status?scene=\(scene)",
                                                headers: desktop + jar.headers)
            let answer = (try? JSONSerialization.jsonObject(with: Data(poll.body.utf8))) as? [String: Any] ?? [:]
            if let location = answer["location"] as? String {
                guard landing.contains(where: { location.hasPrefix($0) }), !poll.cookies.isEmpty else {
                    throw BenchFailure("the status poll answered \(poll.status) \(location)")
                }
                jar.take(poll)
                return location
            }
            guard poll.status == 200 else { throw BenchFailure("the status poll answered \(poll.status) \(poll.body.prefix(120))") }
        }
        throw BenchFailure("the status poll never signed in")
    }

    /// `/login` → WeChat's QR page → the phone scans and allows → the page's long-poll yields the code → callback.
    private func pcLogin(as user: String, from start: String, jar: inout CookieJar, landing: [String]) async throws -> String {
        let login = try await client.request(.GET, target + start, headers: [("User-Agent", Self.desktopAgent)] + jar.headers)
        jar.take(login)
        guard let qrURL = login.location, qrURL.contains("/connect/qrconnect?") else {
            throw BenchFailure("/login answered \(login.status) without the QR page")
        }
        let page = try await client.request(.GET, Self.withoutFragment(qrURL), headers: [("User-Agent", Self.desktopAgent)])
        guard let marker = page.body.range(of: "/connect/qrcode/") else { throw BenchFailure("no QR code on the QR page") }
        let uuid = String(page.body[marker.upperBound...].prefix { $0 != "\"" && $0 != "'" })
        let phone = [("User-Agent", Self.weChatAgent), ("X-Sandbox-User", user)]
        let scan = try await client.request(.GET, sandbox + "/connect/confirm?uuid=\(uuid)", headers: phone)
        guard scan.status == 200 else { throw BenchFailure("scan answered \(scan.status)") }
        let allow = try await client.request(.POST, sandbox + "/connect/confirm", headers: phone,
                                             body: "uuid=\(uuid)&action=allow",
                                             contentType: "application/x-www-form-urlencoded")
        guard allow.status < 400 else { throw BenchFailure("confirm answered \(allow.status)") }
        var code: String?
        for last in ["408", "404"] where code == nil {
            let poll = try await client.request(.GET, sandbox + "/connect/l/qrconnect?uuid=\(uuid)&last=\(last)",
                                                headers: [("User-Agent", Self.desktopAgent)])
            if poll.body.contains("wx_errcode=405"), let range = poll.body.range(of: "wx_code='") {
                code = String(poll.body[range.upperBound...].prefix { $0 != "'" })
            }
        }
        guard let code, let redirect = Self.query(qrURL, "redirect_uri"), let state = Self.query(qrURL, "state") else {
            throw BenchFailure("the long-poll never gave a code")
        }
        return try await callback("\(redirect)?code=\(code)&state=\(state)", jar: &jar, agent: Self.desktopAgent,
                                  landing: landing)
    }

    /// `/login` in WeChat → the authorize page (consent given) → callback.
    private func weChatLogin(as user: String, from start: String, jar: inout CookieJar, landing: [String]) async throws -> String {
        let login = try await client.request(.GET, target + start, headers: [("User-Agent", Self.weChatAgent)] + jar.headers)
        jar.take(login)
        guard let authorize = login.location, authorize.contains("/connect/oauth2/authorize?") else {
            throw BenchFailure("/login answered \(login.status) without the authorize page")
        }
        let consent = try await client.request(
            .GET, Self.withoutFragment(authorize),
            headers: [("User-Agent", Self.weChatAgent), ("X-Sandbox-User", user), ("X-Sandbox-Consent", "allow")])
        guard let back = consent.location else { throw BenchFailure("authorize answered \(consent.status)") }
        return try await callback(back, jar: &jar, agent: Self.weChatAgent, landing: landing)
    }

    private func callback(_ url: String, jar: inout CookieJar, agent: String, landing: [String]) async throws -> String {
        let answer = try await client.request(.GET, url, headers: [("User-Agent", agent), ("Cookie", jar.header)])
        guard (300..<400).contains(answer.status), let location = answer.location,
              landing.contains(where: { location.hasPrefix($0) }) else {
            throw BenchFailure("callback answered \(answer.status) \(answer.location ?? "") \(answer.body.prefix(120))")
        }
        guard !answer.cookies.isEmpty else { throw BenchFailure("callback set no session cookie") }
        jar.take(answer)
        return location
    }

    static func withoutFragment(_ url: String) -> String {
        url.split(separator: "#", maxSplits: 1).first.map(String.init) ?? url
    }

    static func query(_ url: String, _ name: String) -> String? {
        URLComponents(string: withoutFragment(url))?.queryItems?.first { $0.name == name }?.value
    }
}

/// Cookies for the login server, as a browser keeps them within one login.
struct CookieJar: Sendable {
    private var cookies: [String: String] = [:]

    mutating func take(_ reply: BenchClient.Reply) {
        for (name, value) in reply.cookies { cookies[name] = value }
    }

    var header: String { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }

    /// The `Cookie` header, or none while the jar is empty (a fresh browser sends none).
    var headers: [(String, String)] { cookies.isEmpty ? [] : [("Cookie", header)] }
}
