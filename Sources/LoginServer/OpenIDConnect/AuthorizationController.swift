import Foundation
import Vapor

/// `GET /oauth/authorize` (OpenID Connect Core §3.1.2) and `GET /oauth/authorize/continue`, where a browser comes
/// back from the WeChat sign-in (and binding) to get its code.
///
/// An unknown or revoked client, or a redirect URI not registered by exact match, gets an error page and never a
/// redirect (RFC 6749 §4.1.2.1). Every other answer goes to the redirect URI with `iss` (RFC 9207).
struct AuthorizationController: RouteCollection {
    let provider: OIDCProvider
    let clients: OIDCClients
    let sessions: BrowserSession
    let configuration: LoginServerConfiguration

    /// The cookie that ties a pending request to the browser that made it (only its hash is stored).
    static let browserCookieBase = "wl_oidc"

    func boot(routes: any RoutesBuilder) throws {
        let oauth = routes.grouped("oauth", "authorize")
        oauth.get(use: authorize)
        oauth.get("continue", use: resume)
    }

    private func authorize(_ req: Request) async throws -> Response {
        guard let clientID = req.queryValue("client_id"),
              let client = try await clients.activeClient(clientID, on: req.db) else {
            req.logger.notice("authorization refused: unknown or revoked client")
            return errorPage(req, reason: req.language.pick("这个应用未注册或已停用。", "This app is not registered or was revoked."))
        }
        guard let redirectURI = req.queryValue("redirect_uri"), client.allowsRedirect(to: redirectURI) else {
            req.logger.notice("authorization refused: unregistered redirect_uri", metadata: ["client_id": "\(clientID)"])
            return errorPage(req, reason: req.language.pick("这个应用提供的返回地址未登记。", "The app's return address is not registered."))
        }
        let request: AuthorizationRequest
        do {
            request = try AuthorizationRequest.parse(client: client, redirectURI: redirectURI, query: req.queryValue)
        } catch {
            req.logger.info("authorization request refused", metadata: ["client_id": "\(clientID)", "error": "\(error.code.rawValue)"])
            return redirect(req, to: redirectURI, error: error)
        }
        let now = provider.clock.now()
        let session = sessions.signedIn(req)
        if let session, request.accepts(signedInAt: session.at, now: now) {
            return try await issue(req, request, userID: session.userID, authTime: session.at)
        }
        if request.promptNone {
            return redirect(req, to: redirectURI, error: AuthorizationError(
                code: .loginRequired, description: "The person is not signed in.", state: request.state))
        }
        let cookieName = configuration.cookieName(Self.browserCookieBase)
        let browser = req.cookies[cookieName].flatMap { $0.string.utf8.count == 43 ? $0.string : nil } ?? OpaqueToken.random()
        let id = try await AuthorizationRequestStore(database: req.db).insert(
            request, browserHash: OpaqueToken.hash(browser),
            freshLoginRequired: request.promptLogin || request.maxAge != nil,
            signInSeen: session?.at, now: now,
            lifetime: provider.configuration.requestLifetime)
        var login = LoginLinks.login(returnTo: "/oauth/authorize/continue?request=\(id)")
        if let language = request.language { login += "&lang=\(language.rawValue)" }
        let response = req.redirect(to: login)
        response.cookies[cookieName] = HTTPCookies.Value(
            string: browser, maxAge: Int(provider.configuration.requestLifetime), path: "/",
            isSecure: configuration.isHTTPS, isHTTPOnly: true, sameSite: .lax)
        req.logger.info("authorization pending sign-in", metadata: ["client_id": "\(clientID)"])
        return response
    }

    private func resume(_ req: Request) async throws -> Response {
        let cookie = req.cookies[configuration.cookieName(Self.browserCookieBase)]?.string
        guard let id = req.queryValue("request"), let cookie,
              let taken = try await AuthorizationRequestStore(database: req.db)
                .take(id, browserHash: OpaqueToken.hash(cookie), now: provider.clock.now()) else {
            req.logger.notice("authorization continue refused: unknown, expired, used or another browser's request")
            return errorPage(req, reason: req.language.pick(
                "这个登录请求已过期或已使用。请回到应用重新登录。", "This sign-in request expired or was already used. Go back to the app and sign in again."))
        }
        let request = taken.request
        // The client may have been revoked (or its redirect URI removed) while the person signed in.
        guard let client = try await clients.activeClient(request.clientID, on: req.db),
              client.allowsRedirect(to: request.redirectURI) else {
            return errorPage(req, reason: req.language.pick("这个应用未注册或已停用。", "This app is not registered or was revoked."))
        }
        // prompt=login or max_age: a sign-in other than the one the browser had when the request came, and not older
        // than the request (the stored time comes back rounded to the microsecond: a millisecond's tolerance). No
        // whole-second rule: a silent in-WeChat sign-in can finish within the request's second.
        guard let session = sessions.signedIn(req),
              !taken.freshLoginRequired
                || (session.at.timeIntervalSince1970 != taken.signInSeen
                    && session.at.timeIntervalSince1970 >= taken.createdAt.timeIntervalSince1970 - 0.001) else {
            return redirect(req, to: request.redirectURI, error: AuthorizationError(
                code: .loginRequired, description: "The person did not sign in.", state: request.state))
        }
        return try await issue(req, request, userID: session.userID, authTime: session.at)
    }

    private func issue(_ req: Request, _ request: AuthorizationRequest, userID: UUID, authTime: Date) async throws -> Response {
        let code = try await provider.issueCode(for: request, userID: userID, authTime: authTime, on: req.db)
        req.logger.info("authorization code issued", metadata: ["client_id": "\(request.clientID)"])
        var items = [URLQueryItem(name: "code", value: code)]
        if let state = request.state { items.append(URLQueryItem(name: "state", value: state)) }
        items.append(URLQueryItem(name: "iss", value: provider.issuer))
        return noStore(req.redirect(to: Self.url(request.redirectURI, adding: items)))
    }

    private func redirect(_ req: Request, to redirectURI: String, error: AuthorizationError) -> Response {
        var items = [URLQueryItem(name: "error", value: error.code.rawValue),
                     URLQueryItem(name: "error_description", value: error.description)]
        if let state = error.state { items.append(URLQueryItem(name: "state", value: state)) }
        items.append(URLQueryItem(name: "iss", value: provider.issuer))
        return noStore(req.redirect(to: Self.url(redirectURI, adding: items)))
    }

    /// `uri` with `items` appended to its query (a registered URI may carry a query of its own; it has no fragment).
    static func url(_ uri: String, adding items: [URLQueryItem]) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(.init(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        let query = items.map { item in
            "\(item.name)=\((item.value ?? "").addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        return uri + (uri.contains("?") ? "&" : "?") + query
    }

    private func noStore(_ response: Response) -> Response {
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    private func errorPage(_ req: Request, reason: String) -> Response {
        let language = req.language
        let page = MessagePage(title: language.pick("无法登录到这个应用", "Cannot sign in to this app"), message: reason)
        return noStore(page.response(req, status: .badRequest))
    }
}
