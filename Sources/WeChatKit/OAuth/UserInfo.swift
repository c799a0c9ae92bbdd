/// A user's profile from `sns/userinfo` (scope `snsapi_userinfo` or `snsapi_login`).
///
/// Since October 2021 WeChat returns `sex: 0` and blank region fields; old responses send `sex` as a string.
/// Both are accepted, as are a missing `unionid` and a missing or empty `privilege`.
public struct UserInfo: Sendable, Hashable, Codable {
    /// The user's openid.
    public var openID: String
    /// The nickname (user-consented; virtual data for snapshot users).
    public var nickname: String
    /// The gender code WeChat reported (nowadays always unknown).
    public var sex: Sex
    /// Province text, usually empty nowadays.
    public var province: String
    /// City text, usually empty nowadays.
    public var city: String
    /// Country text or code, usually empty nowadays.
    public var country: String
    /// Square avatar URL (last path segment selects the size); empty when the user has none.
    public var headImageURL: String
    /// Privilege tags, e.g. `chinaunicom`.
    public var privileges: [String]
    /// The unionid, when the app is bound to an Open Platform account.
    public var unionID: String?

    /// A gender code: 1 male, 2 female, anything else unknown.
    public enum Sex: Int, Sendable, Hashable, Codable {
        /// 0 or any unexpected value.
        case unknown = 0
        /// 1.
        case male = 1
        /// 2.
        case female = 2
    }

    /// Creates a profile value (for tests and storage).
    public init(
        openID: String, nickname: String, sex: Sex = .unknown, province: String = "", city: String = "",
        country: String = "", headImageURL: String = "", privileges: [String] = [], unionID: String? = nil
    ) {
        self.openID = openID
        self.nickname = nickname
        self.sex = sex
        self.province = province
        self.city = city
        self.country = country
        self.headImageURL = headImageURL
        self.privileges = privileges
        self.unionID = unionID
    }

    enum CodingKeys: String, CodingKey {
        case openID = "openid", nickname, sex, province, city, country, headImageURL = "headimgurl"
        case privileges = "privilege", unionID = "unionid"
    }

    /// Decodes WeChat's JSON leniently (see the type's discussion).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        openID = try container.decode(String.self, forKey: .openID)
        nickname = try container.decodeIfPresent(String.self, forKey: .nickname) ?? ""
        let sexCode = try container.decodeIfPresent(LenientInt.self, forKey: .sex)?.value ?? 0
        sex = Sex(rawValue: sexCode) ?? .unknown
        province = try container.decodeIfPresent(String.self, forKey: .province) ?? ""
        city = try container.decodeIfPresent(String.self, forKey: .city) ?? ""
        country = try container.decodeIfPresent(String.self, forKey: .country) ?? ""
        headImageURL = try container.decodeIfPresent(String.self, forKey: .headImageURL) ?? ""
        privileges = try container.decodeIfPresent([String].self, forKey: .privileges) ?? []
        let union = try container.decodeIfPresent(String.self, forKey: .unionID)
        unionID = union.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// The language of `sns/userinfo`'s region fields (`lang`).
public enum UserInfoLanguage: String, Sendable, Hashable, Codable {
    /// Simplified Chinese, `zh_CN`.
    case simplifiedChinese = "zh_CN"
    /// Traditional Chinese, `zh_TW`.
    case traditionalChinese = "zh_TW"
    /// English, `en`.
    case english = "en"
}
