import Fluent
import Vapor

/// Makes the bind service for a request: on the request's database, delivering codes the configured way.
/// Built once at start-up; a `BindService` itself lives for one request.
struct BindServices: Sendable {
    let configuration: LoginServerConfiguration
    let clock: any ServerClock

    /// The bind service on `database`, sending codes with `sender`.
    func service(on database: any Database, sender: any CodeSender,
                 actor: EventActor = EventActor(kind: .person, address: nil)) -> BindService {
        BindService(
            database: database, clock: clock, codeKey: configuration.codeKey, sender: sender,
            limiter: BindLimiter(limits: configuration.bindLimits, codeKey: configuration.codeKey),
            codeLifetime: configuration.bindCodeLifetime, maxAttempts: configuration.bindMaxAttempts,
            resendCooldown: configuration.bindResendCooldown, actor: actor)
    }

    /// The bind service on the request's database, with the configured code delivery.
    func service(for req: Request) -> BindService {
        service(on: req.db, sender: codeSender(for: req), actor: req.eventActor(.person))
    }

    /// The configured code delivery: the development outbox, or the gateway's webhook through the request's client.
    func codeSender(for req: Request) -> any CodeSender {
        switch configuration.codeDelivery {
        case .developmentOutbox: OutboxCodeSender(database: req.db)
        case .webhook(let url): WebhookCodeSender(client: req.client, url: URI(string: url.absoluteString), logger: req.logger)
        }
    }
}
