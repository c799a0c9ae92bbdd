import Foundation

/// A WeChat API error as it travels on the wire: `errcode` and the base `errmsg` text (the sandbox appends `rid`).
struct WeChatAPIError: Error, Equatable, Sendable {
    let errcode: Int
    let errmsg: String

    static let systemError = WeChatAPIError(errcode: -1, errmsg: "system error")
    static let invalidCredential = WeChatAPIError(
        errcode: 40001, errmsg: "invalid credential, access_token is invalid or not latest")
    static let invalidGrantType = WeChatAPIError(errcode: 40002, errmsg: "invalid grant_type")
    static let invalidOpenID = WeChatAPIError(errcode: 40003, errmsg: "invalid openid")
    static let invalidAppID = WeChatAPIError(errcode: 40013, errmsg: "invalid appid")
    static let invalidCode = WeChatAPIError(errcode: 40029, errmsg: "invalid code")
    static let invalidRefreshToken = WeChatAPIError(errcode: 40030, errmsg: "invalid refresh_token")
    static let invalidTemplateID = WeChatAPIError(errcode: 40037, errmsg: "invalid template_id")
    static let invalidAppSecret = WeChatAPIError(errcode: 40125, errmsg: "invalid appsecret")
    static let codeBeenUsed = WeChatAPIError(errcode: 40163, errmsg: "code been used")
    static let accessTokenMissing = WeChatAPIError(errcode: 41001, errmsg: "access_token missing")
    static let appIDMissing = WeChatAPIError(errcode: 41002, errmsg: "appid missing")
    static let refreshTokenMissing = WeChatAPIError(errcode: 41003, errmsg: "refresh_token missing")
    static let appSecretMissing = WeChatAPIError(errcode: 41004, errmsg: "appsecret missing")
    static let codeMissing = WeChatAPIError(errcode: 41008, errmsg: "missing code")
    static let openIDMissing = WeChatAPIError(errcode: 41009, errmsg: "missing openid")
    static let accessTokenExpired = WeChatAPIError(errcode: 42001, errmsg: "access_token expired")
    static let refreshTokenExpired = WeChatAPIError(errcode: 42002, errmsg: "refresh_token expired")
    static let codeExpired = WeChatAPIError(errcode: 42003, errmsg: "code expired")
    static let tokenException = WeChatAPIError(errcode: 42007, errmsg: "access_token and refresh_token exception")
    static let requireGET = WeChatAPIError(errcode: 43001, errmsg: "require GET method")
    static let requirePOST = WeChatAPIError(errcode: 43002, errmsg: "require POST method")
    static let requireSubscribe = WeChatAPIError(errcode: 43004, errmsg: "require subscribe")
    static let requireRemoveBlacklist = WeChatAPIError(errcode: 43019, errmsg: "require remove blacklist")
    static let emptyPostData = WeChatAPIError(errcode: 44002, errmsg: "empty post data")
    static let dailyQuota = WeChatAPIError(errcode: 45009, errmsg: "reach max api daily quota limit")
    static let dataFormatError = WeChatAPIError(errcode: 47001, errmsg: "data format error")
    static let apiUnauthorized = WeChatAPIError(errcode: 48001, errmsg: "api unauthorized")
    /// `qrcode/create` with a missing or unknown `action_name`.
    static let invalidActionName = WeChatAPIError(errcode: 40052, errmsg: "invalid action name")
    /// `qrcode/create` with a missing or out-of-range scene, or an account past its 100,000 permanent codes
    /// (wechatpy: 可能是该公众号已经申请完了十万个二维码).
    static let invalidActionInfo = WeChatAPIError(errcode: 40053, errmsg: "invalid action info")

    static let minuteQuota = WeChatAPIError(
        errcode: 45011, errmsg: "api minute-quota reach limit, must slower, retry next minute")

    /// 40164 in WeChat's shape: `invalid ip <v4> ipv6 ::ffff:<v4>, not in whitelist`.
    static func ipNotWhitelisted(_ caller: CallerAddress) -> WeChatAPIError {
        WeChatAPIError(errcode: 40164, errmsg: "invalid ip \(caller.ip) ipv6 \(caller.ipv6), not in whitelist")
    }

    static func argumentInvalid(_ key: String?) -> WeChatAPIError {
        WeChatAPIError(errcode: 47003, errmsg: key.map { "argument invalid! data.\($0).value invalid" } ?? "argument invalid!")
    }

    /// The base texts of every errcode the sandbox emits, for fault injection by errcode.
    static func forCode(_ code: Int) -> WeChatAPIError {
        let known: [WeChatAPIError] = [
            systemError, invalidCredential, invalidGrantType, invalidOpenID, invalidAppID, invalidCode,
            invalidRefreshToken, invalidTemplateID, invalidAppSecret, codeBeenUsed, accessTokenMissing,
            appIDMissing, refreshTokenMissing, appSecretMissing, codeMissing, openIDMissing, accessTokenExpired,
            refreshTokenExpired, codeExpired, requireGET, requirePOST, requireSubscribe, requireRemoveBlacklist,
            emptyPostData, dailyQuota, dataFormatError, argumentInvalid(nil), apiUnauthorized,
            invalidActionName, invalidActionInfo,
            WeChatAPIError(errcode: 40014, errmsg: "invalid access_token"),
            ipNotWhitelisted(CallerAddress("127.0.0.1")),
            tokenException,
            minuteQuota,
            WeChatAPIError(errcode: 50004, errmsg: "user not allow to use accesstoken, maybe for punishment"),
        ]
        return known.first { $0.errcode == code } ?? WeChatAPIError(errcode: code, errmsg: "sandbox injected error")
    }
}
