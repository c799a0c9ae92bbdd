import Foundation

/// The authorization-code flow's lifetimes. Fixed defaults (no environment variables): they are the standards'
/// advice, and tests change them through `LoginServerConfiguration.oidcProvider`.
struct OIDCProviderConfiguration: Sendable, Equatable {
    /// How long a browser may take to sign in with WeChat (and bind) before its pending authorization request
    /// expires: 15 minutes, as long as a binding may wait.
    var requestLifetime: TimeInterval = 15 * 60
    /// An authorization code's life: one minute (RFC 6749 §4.1.2 advises at most ten).
    var codeLifetime: TimeInterval = 60
    /// The life of access tokens and ID tokens: an hour.
    var tokenLifetime: TimeInterval = 3600
    /// A refresh token's life since it was issued: 30 days, sliding (every rotation issues one good for 30 more).
    var refreshTokenIdleLifetime: TimeInterval = 30 * 86_400
    /// The hard cap on a grant's refresh tokens, from the sign-in's code: 90 days, then the person signs in again.
    var refreshTokenMaximumLifetime: TimeInterval = 90 * 86_400
}
