import Foundation

extension SandboxConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    /// A summary without secrets, Tokens or AES keys.
    public var description: String {
        "SandboxConfiguration(publicBaseURL: \(publicBaseURL), apps: \(apps.map(\.description)), users: \(users.map(\.id)))"
    }

    /// Same as `description`: secrets are never printed.
    public var debugDescription: String {
        description
    }
}

extension SandboxConfiguration.App: CustomStringConvertible, CustomDebugStringConvertible {
    /// The app id, kind and name; the secret, Token and EncodingAESKey are redacted.
    public var description: String {
        "App(\(appID), \(kind.rawValue), \(name), secret: <redacted>)"
    }

    /// Same as `description`: secrets are never printed.
    public var debugDescription: String {
        description
    }
}
