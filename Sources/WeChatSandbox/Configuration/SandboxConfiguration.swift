import Foundation

/// The seeded world of the sandbox (apps, users, templates), its lifetimes, quotas and "sandbox choices".
///
/// `SandboxConfiguration()` gives the default world documented in `README.md`:
/// - official account `wx5a1c9e0b3d7f2468` (secret `3f6c2a9e8b1d4f7a0c5e9b2d6a8f1c3e`, Token `sandboxtoken`,
///   EncodingAESKey `abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG`, original id `gh_5a1c9e0b3d7f`),
/// - website app `wx8e2f4a6c0b1d3e5f` (secret `9b7d5f3a1c8e6b4d2f0a9c7e5b3d1f8a`),
/// - test account `wx0c7e9a1b3d5f7e9a` (secret `5d3b1f9e7c5a3e1b9d7f5c3a1e9b7d5f`),
/// - users `u1` 张三 (follows the official account and the test account), `u2` 李四 (follows, refuses
///   template messages) and `u3` 王五 (follows nothing).
public struct SandboxConfiguration: Sendable, Codable {
    /// Base URL (scheme, host, port) that pages use for absolute links, avatars and QR payloads.
    public var publicBaseURL: String
    /// Key for deriving openids and unionids; change it to get a different, still stable, set of ids.
    public var identitySeed: String
    /// The apps of the world.
    public var apps: [App]
    /// The simulated WeChat users.
    public var users: [User]
    /// Lifetimes of codes, tokens and QR sessions.
    public var lifetimes: Lifetimes
    /// Daily quotas and input size limits.
    public var limits: Limits
    /// Behaviours the spec marks uncertain, with the spec's "Sandbox choice" as default.
    public var choices: Choices

    /// Creates a configuration; every argument defaults to the documented default world.
    public init(
        publicBaseURL: String = "http://localhost:8080",
        identitySeed: String = "wechat-sandbox",
        apps: [App] = SandboxConfiguration.defaultApps,
        users: [User] = SandboxConfiguration.defaultUsers,
        lifetimes: Lifetimes = Lifetimes(),
        limits: Limits = Limits(),
        choices: Choices = Choices()
    ) {
        self.publicBaseURL = publicBaseURL
        self.identitySeed = identitySeed
        self.apps = apps
        self.users = users
        self.lifetimes = lifetimes
        self.limits = limits
        self.choices = choices
    }

    /// Loads a world from a JSON file; keys left out take their defaults.
    public init(contentsOf jsonFile: URL) throws {
        let data = try Data(contentsOf: jsonFile)
        self = try JSONDecoder().decode(SandboxConfiguration.self, from: data)
    }

    private enum CodingKeys: String, CodingKey {
        case publicBaseURL, identitySeed, apps, users, lifetimes, limits, choices
    }

    /// Decodes a configuration; missing keys take their defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SandboxConfiguration()
        publicBaseURL = try c.decodeIfPresent(String.self, forKey: .publicBaseURL) ?? defaults.publicBaseURL
        identitySeed = try c.decodeIfPresent(String.self, forKey: .identitySeed) ?? defaults.identitySeed
        apps = try c.decodeIfPresent([App].self, forKey: .apps) ?? defaults.apps
        users = try c.decodeIfPresent([User].self, forKey: .users) ?? defaults.users
        lifetimes = try c.decodeIfPresent(Lifetimes.self, forKey: .lifetimes) ?? defaults.lifetimes
        limits = try c.decodeIfPresent(Limits.self, forKey: .limits) ?? defaults.limits
        choices = try c.decodeIfPresent(Choices.self, forKey: .choices) ?? defaults.choices
    }

    /// The app with this id, if seeded.
    public func app(_ appID: String) -> App? {
        apps.first { $0.appID == appID }
    }
}
