import Fluent
import Vapor

/// `/bind`: a new WeChat identity proves a phone number or email with a one-time code, and is linked to the account
/// behind that address, or registers one.
struct BindController: RouteCollection {
    let sessions: BrowserSession
    let binding: BindServices

    func boot(routes: any RoutesBuilder) throws {
        let bind = routes.grouped("bind")
        bind.get(use: form)
        bind.post("code", use: sendCode)
        bind.get("verify", use: verifyForm)
        bind.post("verify", use: verify)
    }

    private struct CodeRequest: Content {
        var contact: String?
        var csrf: String?
    }

    private struct VerifyRequest: Content {
        var challenge: String?
        var code: String?
        var csrf: String?
    }

    func form(req: Request) async throws -> Response {
        guard let pending = sessions.pending(req) else { return req.redirect(to: "/login") }
        let identity = try await IdentityStore(database: req.db).find(pending.identityID)
        return BindPages.contactForm(req, nickname: identity?.nickname, error: nil, status: .ok)
    }

    func sendCode(req: Request) async throws -> Response {
        guard let pending = sessions.pending(req) else { return req.redirect(to: "/login") }
        let body = try req.content.decode(CodeRequest.self)
        try BrowserSession.checkCSRF(req, submitted: body.csrf)
        let language = req.language
        guard let raw = body.contact, let contact = ContactAddress(raw) else {
            return BindPages.contactForm(req, nickname: nil, error: language.pick(
                "请输入有效的手机号或邮箱。", "Enter a valid mobile number or email address."), status: .badRequest)
        }
        do {
            let challenge = try await binding.service(for: req).start(
                identityID: pending.identityID, contact: contact, language: language)
            req.logger.info("bind code sent", metadata: ["channel": "\(challenge.channel)"])
            return req.redirect(to: "/bind/verify?challenge=\(try challenge.requireID().uuidString)")
        } catch BindService.StartFailure.cooldown(let seconds) {
            return BindPages.contactForm(req, nickname: nil, error: language.pick(
                "验证码发送太频繁，请 \(seconds) 秒后再试。", "A code was just sent. Try again in \(seconds) seconds."),
                status: .tooManyRequests).retrying(after: seconds)
        } catch BindService.StartFailure.limited(let reached) {
            req.logger.warning("bind limit reached", metadata: ["cap": "\(reached.scope)"])
            let wait = BindPages.wait(reached.retryAfter, language)
            return BindPages.contactForm(req, nickname: nil, error: language.pick(
                "这个手机号或邮箱收到的验证码太多了，请 \(wait.zh)后再试。",
                "Too many codes were sent to this phone number or email. Try again in \(wait.en)."),
                status: .tooManyRequests).retrying(after: reached.retryAfter)
        } catch BindService.StartFailure.alreadyBound {
            return req.redirect(to: "/login")
        } catch let failure as WebhookCodeSender.Failure {
            req.logger.error("bind code not delivered", metadata: ["error": "\(failure)"])
            return BindPages.contactForm(req, nickname: nil, error: language.pick(
                "验证码发送失败，请稍后重试。", "The code could not be sent. Please try again later."),
                status: .badGateway)
        }
    }

    func verifyForm(req: Request) async throws -> Response {
        guard let pending = sessions.pending(req) else { return req.redirect(to: "/login") }
        // Only this identity's challenge: another's page would show where its code went.
        guard let id = req.queryValue("challenge").flatMap(UUID.init(uuidString:)),
              let challenge = try await BindChallengeStore(database: req.db).find(id, forIdentity: pending.identityID)
        else { return req.redirect(to: "/bind") }
        return BindPages.codeForm(req, challenge: challenge, error: nil, status: .ok)
    }

    func verify(req: Request) async throws -> Response {
        guard let pending = sessions.pending(req) else { return req.redirect(to: "/login") }
        let body = try req.content.decode(VerifyRequest.self)
        try BrowserSession.checkCSRF(req, submitted: body.csrf)
        let language = req.language
        guard let id = body.challenge.flatMap(UUID.init(uuidString:)),
              let challenge = try await BindChallengeStore(database: req.db).find(id) else { return req.redirect(to: "/bind") }
        let service = binding.service(for: req)
        let outcome = try await service.verify(
            challengeID: id, identityID: pending.identityID, typed: body.code ?? "", returnTo: pending.returnTo.path)
        req.logger.info("bind code checked", metadata: ["outcome": "\(outcome)"])
        switch outcome {
        case .bound(let userID, _):
            try await sessions.signIn(req, userID: userID, origin: BrowserSession.originState(req))
            return req.redirect(to: pending.returnTo.path)
        case .wrongCode(let remaining):
            return BindPages.codeForm(req, challenge: challenge, error: language.pick(
                "验证码不正确，还可以尝试 \(remaining) 次。", "Wrong code. \(remaining) attempts left."), status: .badRequest)
        case .tooManyAttempts:
            return BindPages.restart(req, message: language.pick(
                "尝试次数过多，这个验证码已失效。请重新获取。", "Too many attempts: this code no longer works. Request a new one."),
                status: .tooManyRequests).retrying(after: try await service.resendWait(identityID: pending.identityID))
        case .expired:
            return BindPages.restart(req, message: language.pick(
                "验证码已过期，请重新获取。", "The code has expired. Request a new one."), status: .gone)
        case .unknown:
            return BindPages.restart(req, message: language.pick(
                "验证码已使用或无效，请重新获取。", "This code was already used or is not valid. Request a new one."),
                status: .badRequest)
        case .limited(let reached):
            req.logger.warning("bind limit reached", metadata: ["cap": "\(reached.scope)"])
            let wait = BindPages.wait(reached.retryAfter, language)
            return BindPages.restart(req, message: language.pick(
                "这个手机号或邮箱输错验证码的次数太多了。为保护账号安全，请 \(wait.zh)后再试。",
                "Too many wrong codes were entered for this phone number or email. To protect the account, try again in \(wait.en)."),
                status: .tooManyRequests).retrying(after: reached.retryAfter)
        case .conflict:
            return MessagePage(
                title: language.pick("该账号已绑定其他微信", "Account already linked to another WeChat"),
                message: language.pick(
                    "这个手机号或邮箱对应的账号已经绑定了另一个微信号。请先用原微信登录并在账号页解绑，或使用其他手机号或邮箱。",
                    "The account with this phone or email is already linked to another WeChat account. Sign in with that WeChat and unlink it on the account page first, or use another phone or email."),
                action: (language.pick("换一个手机号或邮箱", "Use another phone or email"), "/bind")
            ).response(req, status: .conflict)
        }
    }
}
