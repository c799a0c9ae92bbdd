import Foundation

/// The OpenID Connect provider's signing keys: how long a rotated-out key stays published, and how stale an
/// instance's view of the keys may be.
public struct SigningKeyConfiguration: Sendable, Equatable {
    /// How long a retired key stays in the JWKS after a rotation (`OIDC_RETIRED_KEY_PUBLISHED_SECONDS`): at least
    /// the longest lifetime of a token it signed. Default 2 hours: ID and access tokens live 1 hour, plus an hour for
    /// clients' JWKS caches, clock skew and tokens in flight.
    public var retiredKeyPublishedFor: TimeInterval = 2 * 3600
    /// How long an instance uses the keys it read before reading them again, so a rotation made elsewhere is seen
    /// within this time (the JWKS answer adds its own `max-age`). A token naming an unknown `kid` makes it read
    /// sooner (at most once per ``unknownKeyReloadInterval``).
    public var cacheLifetime: TimeInterval = 60
    /// The shortest time between two reloads caused by unknown `kid`s, so forged tokens cannot turn every request
    /// into a database read.
    public var unknownKeyReloadInterval: TimeInterval = 5
    /// Shortest allowed ``retiredKeyPublishedFor``: the 1-hour token lifetime.
    public static let minimumRetiredKeyPublishedFor: TimeInterval = 3600

    /// The defaults.
    public init() {}
}
