import Foundation

/// An OAuth scope such as `snsapi_base`. Unknown scopes returned by WeChat are kept as they are.
public struct OAuthScope: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The scope string sent to and received from WeChat.
    public let rawValue: String

    /// Wraps a scope string.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Official account, silent: yields only the openid.
    public static let snsapiBase = OAuthScope(rawValue: "snsapi_base")
    /// Official account, with consent: openid plus profile (`sns/userinfo`) and, when bound, unionid.
    public static let snsapiUserinfo = OAuthScope(rawValue: "snsapi_userinfo")
    /// Website QR login (Open Platform website app).
    public static let snsapiLogin = OAuthScope(rawValue: "snsapi_login")

    /// The scope string.
    public var description: String { rawValue }

    /// Parses WeChat's comma-separated `scope` field (`"snsapi_base,snsapi_userinfo"`), ignoring blanks.
    static func parseList(_ list: String) -> Set<OAuthScope> {
        Set(
            list.split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
                .map(OAuthScope.init(rawValue:)))
    }
}
