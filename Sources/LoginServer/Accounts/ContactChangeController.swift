import Fluent
import Vapor

/// Changing the signed-in person's phone or email: the account page's forms (`/account/contact/…`, CSRF form field)
/// and the JSON API (`/api/me/contact/…`, CSRF header). Both go through ``ContactChangeService``.
struct ContactChangeController: RouteCollection {
    let sessions: BrowserSession
    let binding: BindServices

    func boot(routes: any RoutesBuilder) throws {
        routes.post("account", "contact", "code", use: sendCode)
        routes.get("account", "contact", "verify", use: verifyForm)
        routes.post("account", "contact", "verify", use: verify)
        routes.post("api", "me", "contact", "code", use: apiSendCode)
        routes.post("api", "me", "contact", "verify", use: apiVerify)
    }

    private struct CodeForm: Content {
        var contact: String?
        var csrf: String?
    }

    private struct VerifyForm: Content {
        var challenge: String?
        var code: String?
        var csrf: String?
    }

    private struct APICodeRequest: Content {
        var contact: String?
    }

    private struct APIVerifyRequest: Content {
        var challengeID: String?
        var code: String?
        enum CodingKeys: String, CodingKey { case challengeID = "challenge_id", code }
    }

    /// The answer to a code sent through the API.
    struct CodeSent: Content {
        var challengeID: UUID
        /// `phone` or `email`: which field the code will change.
        var field: String
        /// Where it went, masked.
        var destination: String
        var expiresIn: Int
        enum CodingKeys: String, CodingKey {
            case challengeID = "challenge_id", field, destination, expiresIn = "expires_in"
        }
    }

    private func service(_ req: Request) -> ContactChangeService {
        ContactChangeService(binding: binding.service(for: req))
    }

    /// A refused code request, in the person's language, with its status and `Retry-After` when it is a wait.
    private func refusal(_ failure: ContactChangeService.StartFailure, _ language: Language)
        -> (status: HTTPResponseStatus, message: String, retryAfter: Int?) {
        switch failure {
        case .cooldown(let seconds):
            (.tooManyRequests, language.pick("验证码发送太频繁，请 \(seconds) 秒后再试。",
                                             "A code was just sent. Try again in \(seconds) seconds."), seconds)
        case .limited(let reached):
            (.tooManyRequests, language.pick(
                "这个手机号或邮箱收到的验证码太多了，请 \(BindPages.wait(reached.retryAfter, language).zh)后再试。",
                "Too many codes were sent to this phone number or email. Try again in \(BindPages.wait(reached.retryAfter, language).en)."),
             reached.retryAfter)
        case .taken:
            (.conflict, language.pick("这个手机号或邮箱已属于另一个账号。", "This phone number or email belongs to another account."), nil)
        case .unchanged:
            (.conflict, language.pick("这已经是你的手机号或邮箱。", "This is already your phone number or email."), nil)
        case .noIdentity:
            (.conflict, language.pick("这个账号没有绑定微信，无法更改。", "This account has no linked WeChat identity, so it cannot be changed here."), nil)
        }
    }

    /// A refused code check: status, message, `Retry-After`.
    private func refusal(_ outcome: ContactChangeService.Verification, userID: UUID, service: ContactChangeService,
                         _ language: Language) async throws -> (status: HTTPResponseStatus, message: String, retryAfter: Int?) {
        switch outcome {
        case .changed: (.ok, "", nil)
        case .wrongCode(let remaining):
            (.badRequest, language.pick("验证码不正确，还可以尝试 \(remaining) 次。", "Wrong code. \(remaining) attempts left."), nil)
        case .tooManyAttempts:
            (.tooManyRequests, language.pick("尝试次数过多，这个验证码已失效。请重新获取。",
                                             "Too many attempts: this code no longer works. Request a new one."),
             try await service.resendWait(userID: userID))
        case .expired:
            (.gone, language.pick("验证码已过期，请重新获取。", "The code has expired. Request a new one."), nil)
        case .unknown:
            (.badRequest, language.pick("验证码已使用或无效，请重新获取。",
                                        "This code was already used or is not valid. Request a new one."), nil)
        case .taken:
            (.conflict, language.pick("这个手机号或邮箱已属于另一个账号。", "This phone number or email belongs to another account."), nil)
        case .limited(let reached):
            (.tooManyRequests, language.pick(
                "这个手机号或邮箱输错验证码的次数太多了。为保护账号安全，请 \(BindPages.wait(reached.retryAfter, language).zh)后再试。",
                "Too many wrong codes were entered for this phone number or email. To protect the account, try again in \(BindPages.wait(reached.retryAfter, language).en)."),
             reached.retryAfter)
        }
    }

    private static func log(_ req: Request, _ failure: ContactChangeService.StartFailure) {
        if case .limited(let reached) = failure {
            req.logger.warning("bind limit reached", metadata: ["cap": "\(reached.scope)"])
        } else {
            req.logger.info("contact change code refused", metadata: ["failure": "\(failure)"])
        }
    }

    private static func log(_ req: Request, _ outcome: ContactChangeService.Verification) {
        switch outcome {
        case .changed(let contact, let previous):
            let field = if case .phone = contact { "phone" } else { "email" }
            req.logger.info("contact changed", metadata: ["field": "\(field)", "notice": "\(previous != nil)"])
        case .limited(let reached): req.logger.warning("bind limit reached", metadata: ["cap": "\(reached.scope)"])
        default: req.logger.info("contact change code checked", metadata: ["outcome": "\(outcome)"])
        }
    }

    // MARK: The account page

    func sendCode(req: Request) async throws -> Response {
        let user = try await sessions.requireUser(req)
        let body = try req.content.decode(CodeForm.self)
        try BrowserSession.checkCSRF(req, submitted: body.csrf)
        let language = req.language
        func page(_ message: String, _ status: HTTPResponseStatus) async throws -> Response {
            let identities = try await AccountService(database: req.db).identities(of: user)
            return AccountPage.response(req, user: user, identities: identities, notice: nil, error: message, status: status)
        }
        guard let raw = body.contact, let contact = ContactAddress(raw) else {
            return try await page(language.pick("请输入有效的手机号或邮箱。", "Enter a valid mobile number or email address."),
                                  .badRequest)
        }
        do {
            let challenge = try await service(req).start(user: user, contact: contact, language: language)
            req.logger.info("contact change code sent", metadata: ["channel": "\(challenge.channel)"])
            return req.redirect(to: "/account/contact/verify?challenge=\(try challenge.requireID().uuidString)")
        } catch let failure as ContactChangeService.StartFailure {
            Self.log(req, failure)
            let (status, message, retryAfter) = refusal(failure, language)
            let response = try await page(message, status)
            return retryAfter.map { response.retrying(after: $0) } ?? response
        } catch let failure as WebhookCodeSender.Failure {
            req.logger.error("contact change code not delivered", metadata: ["error": "\(failure)"])
            return try await page(language.pick("验证码发送失败，请稍后重试。", "The code could not be sent. Please try again later."),
                                  .badGateway)
        }
    }

    func verifyForm(req: Request) async throws -> Response {
        let user = try await sessions.requireUser(req)
        guard let id = req.queryValue("challenge").flatMap(UUID.init(uuidString:)),
              let challenge = try await service(req).challenge(id, of: try user.requireID()) else {
            return req.redirect(to: "/account")
        }
        return Self.codeForm(req, challenge: challenge, error: nil, status: .ok)
    }

    func verify(req: Request) async throws -> Response {
        let user = try await sessions.requireUser(req)
        let body = try req.content.decode(VerifyForm.self)
        try BrowserSession.checkCSRF(req, submitted: body.csrf)
        let language = req.language
        let service = service(req)
        let userID = try user.requireID()
        guard let id = body.challenge.flatMap(UUID.init(uuidString:)),
              let challenge = try await service.challenge(id, of: userID) else { return req.redirect(to: "/account") }
        let outcome = try await service.verify(user: user, challengeID: id, typed: body.code ?? "", language: language)
        Self.log(req, outcome)
        if case .changed = outcome { return req.redirect(to: "/account?notice=contact_changed") }
        let (status, message, retryAfter) = try await refusal(outcome, userID: userID, service: service, language)
        let response: Response = if case .wrongCode = outcome {
            Self.codeForm(req, challenge: challenge, error: message, status: status)
        } else {
            MessagePage(title: language.pick("未能更改", "Not changed"), message: message,
                        action: (language.pick("返回我的账号", "Back to my account"), "/account"))
                .response(req, status: status)
        }
        return retryAfter.map { response.retrying(after: $0) } ?? response
    }

    static func codeForm(_ req: Request, challenge: BindChallenge, error: String?, status: HTTPResponseStatus) -> Response {
        let language = req.language
        let destination = challenge.contact?.masked ?? ""
        return BindPages.codeEntry(
            req, challenge: challenge, error: error, status: status,
            sent: language.pick("验证码已发送至新的地址 \(destination)。", "A code was sent to the new address \(destination)."),
            action: "/account/contact/verify", submit: language.pick("确认更改", "Confirm the change"),
            link: (href: "/account", text: language.pick("返回我的账号", "Back to my account")))
    }

    // MARK: The JSON API

    private func requireUser(_ req: Request) async throws -> User {
        guard let id = sessions.userID(req), let user = try await UserStore(database: req.db).find(id) else {
            throw Abort(.unauthorized, reason: "Not signed in.")
        }
        return user
    }

    func apiSendCode(req: Request) async throws -> Response {
        let user = try await requireUser(req)
        try BrowserSession.checkCSRFHeader(req)
        guard let raw = try? req.content.decode(APICodeRequest.self).contact, let contact = ContactAddress(raw) else {
            throw Abort(.badRequest, reason: "contact must be a mainland mobile number or an email address.")
        }
        do {
            let challenge = try await service(req).start(user: user, contact: contact, language: req.language)
            let field = if case .phone = contact { "phone" } else { "email" }
            let sent = CodeSent(challengeID: try challenge.requireID(), field: field, destination: contact.masked,
                                expiresIn: Int(binding.configuration.bindCodeLifetime))
            let response = Response(status: .accepted)
            try response.content.encode(sent, as: .json)
            return response
        } catch let failure as ContactChangeService.StartFailure {
            Self.log(req, failure)
            let (status, message, retryAfter) = refusal(failure, .english)
            throw Abort(status, headers: retryAfter.map { ["Retry-After": "\($0)"] } ?? [:], reason: message)
        } catch let failure as WebhookCodeSender.Failure {
            req.logger.error("contact change code not delivered", metadata: ["error": "\(failure)"])
            throw Abort(.badGateway, reason: "The code could not be sent. Please try again later.")
        }
    }

    func apiVerify(req: Request) async throws -> MeResponse {
        let user = try await requireUser(req)
        try BrowserSession.checkCSRFHeader(req)
        let body = try? req.content.decode(APIVerifyRequest.self)
        guard let id = body?.challengeID.flatMap(UUID.init(uuidString:)) else {
            throw Abort(.badRequest, reason: "challenge_id must be a UUID.")
        }
        let service = service(req)
        let outcome = try await service.verify(user: user, challengeID: id, typed: body?.code ?? "", language: req.language)
        Self.log(req, outcome)
        guard case .changed = outcome else {
            let (status, message, retryAfter) = try await refusal(outcome, userID: try user.requireID(), service: service,
                                                                  .english)
            throw Abort(status, headers: retryAfter.map { ["Retry-After": "\($0)"] } ?? [:], reason: message)
        }
        guard let fresh = try await UserStore(database: req.db).find(try user.requireID()) else {
            throw Abort(.unauthorized, reason: "Not signed in.")
        }
        return try MeResponse(user: fresh, identities: try await AccountService(database: req.db).identities(of: fresh),
                              csrfToken: BrowserSession.csrfToken(req))
    }
}
