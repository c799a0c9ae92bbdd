/// An app's AppID and AppSecret. The secret never appears in `description`, `debugDescription` or mirrors.
public struct AppCredentials: Sendable, Hashable {
    /// The AppID (`wx` + 16 hex digits for real apps).
    public let appID: String
    /// The AppSecret. Keep it on the server; WeChatKit never logs it.
    public let secret: String

    /// Creates credentials from an AppID and its AppSecret.
    public init(appID: String, secret: String) {
        self.appID = appID
        self.secret = secret
    }
}

extension AppCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// `AppCredentials(appID: wx…, secret: <redacted>)`.
    public var description: String { "AppCredentials(appID: \(appID), secret: <redacted>)" }
    /// Same as ``description``: the secret is redacted.
    public var debugDescription: String { description }
    /// A mirror without the secret, so `dump` cannot print it.
    public var customMirror: Mirror { Mirror(self, children: ["appID": appID, "secret": "<redacted>"]) }
}
