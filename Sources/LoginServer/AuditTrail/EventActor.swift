import Vapor

/// Who caused an event, and from which address: the audit trail's "who did it".
struct EventActor: Sendable, Equatable {
    enum Kind: String, Sendable, Codable, CaseIterable {
        /// A person, through their browser session (sign-in, binding, unbinding).
        case person
        /// The business's back end, with the admin bearer token.
        case admin
        /// An OpenID Connect client, authenticated at the token or revocation endpoint.
        case client
        /// A push from WeChat to the message server.
        case wechat
        /// The server itself (the template-message worker).
        case system
    }

    var kind: Kind
    /// The client address `ClientAddressMiddleware` resolved (`TRUSTED_PROXIES` decides whether `X-Forwarded-For`
    /// counts); `nil` for the server itself and for requests without an IP peer.
    var address: String?

    static let system = EventActor(kind: .system, address: nil)
}

extension Request {
    /// The actor of an event this request causes.
    func eventActor(_ kind: EventActor.Kind) -> EventActor {
        EventActor(kind: kind, address: clientAddress)
    }
}
