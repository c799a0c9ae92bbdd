import Foundation

/// An ordinary (`cgi-bin`) access_token with its lifetime. Its `description` redacts the token.
public struct AccessToken: Sendable, Hashable, Codable {
    /// The token string (reserve at least 512 characters when storing it).
    public var value: String
    /// When WeChat issued it, by the fetching instance's clock.
    public var fetchedAt: Date
    /// When it expires: ``fetchedAt`` plus `expires_in`.
    public var expiresAt: Date

    /// Creates a token value (stores decode into this).
    public init(value: String, fetchedAt: Date, expiresAt: Date) {
        self.value = value
        self.fetchedAt = fetchedAt
        self.expiresAt = expiresAt
    }

    /// Whether the token can still be used at `now`.
    public func isValid(at now: Date) -> Bool { now < expiresAt }

    /// Whether the token is valid and not yet due for a refresh at `now`.
    ///
    /// The refresh point is `margin` before expiry, but never earlier than half the token's lifetime, so a
    /// short-lived token (a stable token issued in its last five minutes) is not refetched on every call.
    public func isFresh(at now: Date, refreshMargin margin: Duration) -> Bool {
        let lifetime = max(0, expiresAt.timeIntervalSince(fetchedAt))
        let lead = min(margin.timeInterval, lifetime / 2)
        return now < expiresAt.addingTimeInterval(-lead)
    }
}

extension AccessToken: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `AccessToken(<redacted 110 chars>, expiresAt: …)`.
    public var description: String {
        "AccessToken(\(Redaction.secret(value)), fetchedAt: \(fetchedAt), expiresAt: \(expiresAt))"
    }
    /// Same as ``description``.
    public var debugDescription: String { description }
    /// A mirror without the token string, so `dump` cannot print it.
    public var customMirror: Mirror {
        Mirror(self, children: ["value": Redaction.secret(value), "fetchedAt": fetchedAt, "expiresAt": expiresAt])
    }
}

/// The JSON of `cgi-bin/token` and `cgi-bin/stable_token`.
struct AccessTokenResponse: Decodable {
    let accessToken: String
    let expiresIn: Int

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", expiresIn = "expires_in"
    }

    func accessToken(receivedAt now: Date) -> AccessToken {
        AccessToken(value: accessToken, fetchedAt: now, expiresAt: now.addingTimeInterval(ExpiresIn.seconds(expiresIn)))
    }
}
