import Vapor

/// `/signin` starts the authorization-code flow; `/callback` finishes it: state, iss, the code at the token
/// endpoint, the ID token with vapor/jwt, then userinfo. Every failure is a ``SignInError`` (a page, never a crash).
struct SignInController: RouteCollection {
    let settings: Settings
    let metadata: ProviderMetadata
    let provider: ProviderClient
    let keys: ProviderKeys

    func boot(routes: any RoutesBuilder) throws {
        routes.get("signin", use: signIn)
        routes.get("callback", use: callback)
    }

    func signIn(req: Request) async throws -> Response {
        let pending = PendingSignIn.make()
        req.session.pendingSignIn = pending
        let url = pending.authorizationURL(endpoint: metadata.authorization_endpoint, clientID: provider.credentials.client_id,
                                           redirectURI: settings.redirectURI, scope: settings.scope)
        return req.redirect(to: url, redirectType: .normal)
    }

    /// The authorization response (Core §3.1.2.5/6, RFC 9207).
    struct Answer: Content {
        var code: String?
        var state: String?
        var iss: String?
        var error: String?
    }

    func callback(req: Request) async throws -> Response {
        let answer = try req.query.decode(Answer.self)
        // Single use: whatever happens next, this browser's pending sign-in is spent.
        let pending = req.session.pendingSignIn
        req.session.pendingSignIn = nil
        guard let pending, let state = answer.state, Constant.equal(state, pending.state) else {
            throw SignInError(.state, "the answer's state is not the one this browser's session is waiting for")
        }
        if let iss = answer.iss {
            guard iss == metadata.issuer else { throw SignInError(.issuer, "the answer's iss is another issuer") }
        } else if metadata.authorization_response_iss_parameter_supported == true {
            throw SignInError(.issuer, "the answer has no iss although the provider always sends one")
        }
        if let error = answer.error {
            throw SignInError(error == "access_denied" ? .denied : .providerRefused, "the provider answered error=\(error)")
        }
        guard let code = answer.code, !code.isEmpty else {
            throw SignInError(.providerRefused, "the answer has neither code nor error")
        }
        let tokens = try await provider.redeem(code: code, verifier: pending.codeVerifier, redirectURI: settings.redirectURI)
        let idToken = try await keys.verify(tokens.id_token, as: IDToken.self)
        try idToken.check(.init(issuer: metadata.issuer, clientID: provider.credentials.client_id, nonce: pending.nonce))
        let userInfo = try await provider.userInfo(accessToken: tokens.access_token, expectedSubject: idToken.sub.value)
        let userInfoClaims = Claims.display(json: userInfo)
        let person = SignedInPerson(
            sub: idToken.sub.value, name: userInfoClaims.first(where: { $0.first == "name" })?.last,
            idTokenClaims: IDToken.displayClaims(of: tokens.id_token), userInfoClaims: userInfoClaims,
            idToken: tokens.id_token, csrf: PendingSignIn.make().state)
        // A new session id on sign-in, so an id planted in this browser before cannot ride on the signed-in session.
        if let old = req.session.id {
            try await req.application.sessions.driver.deleteSession(old, for: req).get()
            req.session.id = nil
        }
        req.session.person = person
        req.logger.info("signed in", metadata: ["sub": "\(person.sub)"])
        return req.redirect(to: "/", redirectType: .normal)
    }
}
