import Foundation
import Vapor

/// `GET /connect/oauth2/authorize` (spec §1): checks, consent, redirect with code and state.
struct AuthorizePageController: RouteCollection {
    let sandbox: Sandbox

    static let documentedOrder = ["appid", "redirect_uri", "response_type", "scope", "state"]

    struct Checked: Sendable {
        let app: SandboxConfiguration.App
        let redirectURI: String
        let scope: String
        let state: String
    }

    struct ConsentForm: Content {
        var appid: String
        var redirect_uri: String
        var scope: String
        var state: String?
        var action: String
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get("connect", "oauth2", "authorize", use: authorize)
        routes.post("connect", "oauth2", "authorize", use: consent)
    }

    /// Whether the documented keys come first and in order (state may be absent).
    static func orderIsValid(_ keys: [String]) -> Bool {
        let prefix = Array(keys.prefix(while: documentedOrder.contains))
        guard prefix == documentedOrder.filter(prefix.contains), Set(prefix).count == prefix.count else { return false }
        return !keys.dropFirst(prefix.count).contains(where: documentedOrder.contains)
    }

    /// The page checks in the sandbox order of spec §1.5.
    func check(_ query: RawQuery) async -> Result<Checked, PageError> {
        guard Self.orderIsValid(query.keys) else { return .failure(.cannotAccess) }
        if let type = query["response_type"], type != "code" { return .failure(.cannotAccess) }
        guard let appID = query.nonEmpty("appid") else { return .failure(.code(10012)) }
        guard let app = await sandbox.state.apps[appID] else { return .failure(.cannotAccess) }
        guard app.kind != .website else { return .failure(.code(10016)) }
        guard !app.banned else { return .failure(.code(10004)) }
        guard let redirectURI = query.nonEmpty("redirect_uri") else { return .failure(.code(10011)) }
        guard let scope = query.nonEmpty("scope") else { return .failure(.code(10010)) }
        guard query["response_type"] == "code" else { return .failure(.cannotAccess) }
        guard ["snsapi_base", "snsapi_userinfo"].contains(scope), app.scopes.contains(scope) else {
            return .failure(.code(10005))
        }
        guard Sandbox.hostMatches(redirectURI, domain: app.webAuthDomain) else { return .failure(.code(10003)) }
        let state = query["state"] ?? ""
        if app.requiresState && state.isEmpty { return .failure(.code(10013)) }
        guard state.utf8.count <= 128 else { return .failure(.cannotAccess) }
        if app.thirdPartyUnauthorized { return .failure(.code(10015)) }
        return .success(Checked(app: app, redirectURI: redirectURI, scope: scope, state: state))
    }

    func authorize(_ req: Request) async throws -> Response {
        let query = RawQuery(req.url.query)
        if !Sandbox.isInsideWeChat(req), await sandbox.requiresWeChatBrowser(appID: query["appid"]) {
            return HTML.openInWeChat()
        }
        guard let entry = Sandbox.entry(of: req) else {
            return HTML.cannotAccess("X-Sandbox-Entry 只能是 link、chat 或 menu")
        }
        return await respond(
            to: query, identity: sandbox.identity(of: req), consent: req.headers.first(name: "X-Sandbox-Consent"),
            entry: entry, whoami: Sandbox.whoamiRedirect(for: req))
    }

    /// The authorize page for a query, a browser identity, where the link was opened from and an optional automated
    /// consent answer.
    func respond(
        to query: RawQuery, identity: BrowserIdentity, consent: String?, entry: BrowserEntry, whoami: Response
    ) async -> Response {
        let checked: Checked
        switch await check(query) {
        case .failure(let error): return error.page
        case .success(let value): checked = value
        }
        let user: SandboxConfiguration.User
        switch identity {
        case .none: return whoami
        case .unknown: return HTML.cannotAccess("未知的沙盒用户")
        case .user(let found): user = found
        }
        let state = sandbox.state
        if checked.app.kind == .testAccount, await state.followRecord(appID: checked.app.appID, userID: user.id)?.subscribed != true {
            return PageError.code(10006).page
        }
        let now = await sandbox.clock.now()
        // A follower entering from the account's own chat or menu is silent even for snsapi_userinfo, forcePopup
        // included (spec §1.3 and §1.1); the grant is not remembered, so an ordinary link still asks.
        let follows = await state.followRecord(appID: checked.app.appID, userID: user.id)?.subscribed == true
        let silentFollower = follows && entry.isFromAccount(checked.app.appID)
        if checked.scope == "snsapi_userinfo" && !silentFollower {
            let remembered = await state.hasConsent(userID: user.id, appID: checked.app.appID)
            let forced = query["forcePopup"] == "true"
            if !remembered || forced {
                switch consent?.lowercased() {
                case "allow": await state.recordConsent(userID: user.id, appID: checked.app.appID)
                case "deny": return HTML.redirect(Sandbox.callbackURL(checked.redirectURI, code: nil, state: checked.state))
                default: return ConsentPage.render(checked: checked, user: user)
                }
            }
        }
        let code = await state.issueCode(appID: checked.app.appID, userID: user.id, scope: checked.scope, now: now)
        return HTML.redirect(Sandbox.callbackURL(checked.redirectURI, code: code, state: checked.state))
    }

    /// The consent form's Allow / Deny.
    func consent(_ req: Request) async throws -> Response {
        let appID = try? req.content.get(String.self, at: "appid")
        if !Sandbox.isInsideWeChat(req), await sandbox.requiresWeChatBrowser(appID: appID) {
            return HTML.openInWeChat()
        }
        guard let form = try? req.content.decode(ConsentForm.self) else { return HTML.cannotAccess() }
        let query = RawQuery(items: [
            ("appid", form.appid), ("redirect_uri", form.redirect_uri), ("response_type", "code"),
            ("scope", form.scope), ("state", form.state ?? ""),
        ])
        let checked: Checked
        switch await check(query) {
        case .failure(let error): return error.page
        case .success(let value): checked = value
        }
        guard case .user(let user) = await sandbox.identity(of: req) else { return HTML.cannotAccess("未知的沙盒用户") }
        guard form.action == "allow" else {
            return HTML.redirect(Sandbox.callbackURL(checked.redirectURI, code: nil, state: checked.state))
        }
        await sandbox.state.recordConsent(userID: user.id, appID: checked.app.appID)
        let now = await sandbox.clock.now()
        let code = await sandbox.state.issueCode(appID: checked.app.appID, userID: user.id, scope: checked.scope, now: now)
        return HTML.redirect(Sandbox.callbackURL(checked.redirectURI, code: code, state: checked.state))
    }
}
