import Foundation

/// What `cgi-bin/user/info` says of an openid of the official account (spec §8).
///
/// Since 2021-12-27 WeChat no longer returns the nickname or avatar here; what remains useful is whether the
/// person follows and the unionid (present when the account is bound to an Open Platform account).
public struct Follower: Sendable, Hashable, Decodable {
    /// The openid asked about.
    public let openID: String
    /// Whether the person follows the account now (`subscribe` 1).
    public let isFollowing: Bool
    /// The unionid, when the account is bound to an Open Platform account.
    public let unionID: String?
    /// When they followed (Unix seconds), when following.
    public let subscribeTime: Int64?

    /// Creates a value (tests, stores).
    public init(openID: String, isFollowing: Bool, unionID: String? = nil, subscribeTime: Int64? = nil) {
        self.openID = openID
        self.isFollowing = isFollowing
        self.unionID = unionID
        self.subscribeTime = subscribeTime
    }

    enum CodingKeys: String, CodingKey {
        case openID = "openid"
        case subscribe
        case unionID = "unionid"
        case subscribeTime = "subscribe_time"
    }

    /// Decodes WeChat's body; a blank unionid counts as none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        openID = try container.decode(String.self, forKey: .openID)
        isFollowing = try container.decode(LenientInt.self, forKey: .subscribe).value == 1
        let unionID = try container.decodeIfPresent(String.self, forKey: .unionID)
        self.unionID = (unionID?.isEmpty ?? true) ? nil : unionID
        subscribeTime = try container.decodeIfPresent(LenientInt.self, forKey: .subscribeTime).map { Int64($0.value) }
    }
}
