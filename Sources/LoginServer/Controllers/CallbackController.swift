import Fluent
import Vapor
import WeChatKit
import WeChatVapor

/// `GET /auth/wechat/callback`: where WeChat sends the person back with `code` and `state`.
///
/// Every parameter is untrusted. The state must exist, belong to this browser, be fresh, and be claimed by exactly
/// one callback; a repeat of a completed callback from the same browser (WeChat's double callback, a refresh)
/// signs in with the first result instead of exchanging a second code.
struct CallbackController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get("auth", "wechat", "callback", use: callback)
    }

    func callback(req: Request) async throws -> Response {
        let language = req.language
        guard let rawState = req.queryValue("state"), let state = OAuthState(rawValue: rawState) else {
            req.logger.notice("callback without a valid state")
            ServerMetrics.login(flow: .unknown, outcome: .rejected)
            return CallbackPages.invalidState(req)
        }
        let configuration = req.login.configuration
        let bindings = BrowserBindingCookie(
            request: req, name: configuration.cookieName(BrowserBindingCookie.baseName), key: configuration.bindingKey)
        switch try await req.loginStates.claim(state: state.rawValue, bindings: bindings.bindings) {
        case .unknown:
            req.logger.notice("callback with an unknown state")
            ServerMetrics.login(flow: .unknown, outcome: .rejected)
            return CallbackPages.invalidState(req)
        case .otherBrowser:
            req.logger.notice("callback with a state from another browser")
            ServerMetrics.login(flow: .unknown, outcome: .rejected)
            return MessagePage(
                title: language.pick("请在发起登录的浏览器中完成登录", "Finish signing in where you started"),
                message: language.pick(
                    "这个登录链接是在另一个浏览器中发起的。为了你的账号安全，请重新登录。",
                    "This sign-in was started in another browser. For your account's safety, please sign in again."),
                action: MessagePage.retry(req)
            ).response(req, status: .forbidden)
        case .expired(let record):
            req.logger.notice("callback with an expired state")
            ServerMetrics.login(flow: LoginFlowName(LoginFlow(rawValue: record.flow) ?? .website), outcome: .rejected)
            return MessagePage(
                title: language.pick("登录已过期", "Sign-in expired"),
                message: language.pick("登录等待时间过长，请重新登录。", "The sign-in took too long. Please sign in again."),
                action: MessagePage.retry(req, returnTo: record.returnTo)
            ).response(req, status: .gone)
        case .completed(let record):
            // Only a prompt repeat in the session this callback created (or in a browser not signed in at all) gets
            // the first result: never one from the history after sign-out, nor one in someone else's session.
            let completedAt = record.completedAt ?? .distantPast
            guard req.login.clock.now().timeIntervalSince(completedAt) < configuration.callbackRepeatWindow,
                  SignIn.mayRepeatCallback(req, state: state.rawValue) else {
                req.logger.notice("repeated callback refused: too late or in another session")
                ServerMetrics.login(flow: .unknown, outcome: .rejected)
                return CallbackPages.invalidState(req)
            }
            req.logger.info("repeated callback answered with the first result")
            return try await finish(req, record: record)
        case .busy(let record):
            if let completed = try await req.loginStates.awaitCompletion(of: state.rawValue) {
                req.logger.info("concurrent callback answered with the first result")
                return try await finish(req, record: completed)
            }
            return MessagePage(
                title: language.pick("登录处理中", "Still signing in"),
                message: language.pick("上一次登录请求仍在处理，请稍后刷新。", "The first sign-in request is still running. Refresh in a moment."),
                action: MessagePage.retry(req, returnTo: record.returnTo)
            ).response(req, status: .conflict)
        case .claimed(let record, let token):
            return try await exchange(req, record: record, claimToken: token)
        }
    }

    private func exchange(_ req: Request, record: OAuthStateRecord, claimToken: String) async throws -> Response {
        let started = ContinuousClock.now
        let states = req.loginStates
        let flow = LoginFlow(rawValue: record.flow) ?? .website
        let flowName = LoginFlowName(flow)
        guard let code = req.queryValue("code"), !code.isEmpty, code.utf8.count <= 512 else {
            try await states.release(record, token: claimToken)
            req.logger.info("consent denied at WeChat")
            ServerMetrics.login(flow: flowName, outcome: .refused)
            return CallbackPages.denied(req, returnTo: record.returnTo)
        }
        let client = try req.oauthClient(for: flow.appKind)
        let token: UserToken
        let profile: UserInfo?
        do {
            token = try await client.exchange(code: code)
            if token.isSnapshotUser {
                try await states.release(record, token: claimToken)
                ServerMetrics.login(flow: flowName, outcome: .refused)
                return CallbackPages.snapshot(req, returnTo: record.returnTo)
            }
            let mayReadProfile = token.scopes.contains(.snsapiUserinfo) || token.scopes.contains(.snsapiLogin)
            profile = mayReadProfile ? try await client.userInfo(accessToken: token.accessToken, openID: token.openID) : nil
        } catch let error as WeChatError {
            try await states.release(record, token: claimToken)
            req.logger.warning("wechat refused the login", metadata: [
                "errcode": "\(error.code?.rawValue ?? 0)", "error": "\(error)", "flow": "\(flow.rawValue)",
            ])
            ServerMetrics.login(flow: flowName, outcome: .failed, duration: ContinuousClock.now - started)
            return CallbackPages.weChatFailure(req, error: error, returnTo: record.returnTo)
        }
        let authorization = IdentityRecorder.Authorization(
            appID: client.credentials.appID, appKind: flow.appKind, token: token, profile: profile)
        let identity: IdentityRecorder.Recorded
        do {
            identity = try await req.identityRecorder.record(authorization, completing: record, claimToken: claimToken)
        } catch {
            try? await states.release(record, token: claimToken)
            throw error
        }
        req.logger.info("wechat login completed", metadata: [
            "flow": "\(flow.rawValue)", "bound": "\(identity.userID != nil)",
        ])
        ServerMetrics.login(flow: flowName, outcome: identity.userID != nil ? .signedIn : .needsBinding,
                            duration: ContinuousClock.now - started)
        return try await finish(req, record: record, identity: identity)
    }

    /// Signs the identity's user in, or sends an unbound identity to `/bind`.
    private func finish(_ req: Request, record: OAuthStateRecord, identity known: IdentityRecorder.Recorded? = nil)
        async throws -> Response {
        let returnTo = ReturnTo.orHome(record.returnTo)
        let found: IdentityRecorder.Recorded?
        if let known {
            found = known
        } else {
            found = try await WeChatIdentity.find(record.identityID, on: req.db).flatMap { identity in
                identity.id.map { IdentityRecorder.Recorded(id: $0, userID: identity.$user.id) }
            }
        }
        guard let identity = found else { return CallbackPages.invalidState(req) }
        let origin = try record.requireID()
        if let userID = identity.userID {
            try await SignIn.signIn(req, userID: userID, origin: origin)
            return req.redirect(to: returnTo.path)
        }
        try await SignIn.setPending(req, identityID: identity.id, returnTo: returnTo, origin: origin)
        return req.redirect(to: "/bind")
    }
}
