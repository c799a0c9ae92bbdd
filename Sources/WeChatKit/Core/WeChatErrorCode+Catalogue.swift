// The errcode catalogue of the protocol spec (§3–§9, §11). Meanings are paraphrased from WeChat's tables.
// Category choices beyond the obvious ones: 40029/40163/42003 mean "start the login again" (a fresh code
// fixes them), so they are userActionRequired; 45011 (per-minute limit) is retryable after a minute;
// 40164/40243/61004/895xx need an operator to fix the account, so they are permission.
extension WeChatErrorCode {
    /// `-1` — system error.
    public static let systemError = WeChatErrorCode(-1)
    /// `0` — ok.
    public static let ok = WeChatErrorCode(0)
    /// `40001` — invalid credential.
    public static let invalidCredential = WeChatErrorCode(40001)
    /// `40002` — invalid grant_type.
    public static let invalidGrantType = WeChatErrorCode(40002)
    /// `40003` — invalid openid.
    public static let invalidOpenID = WeChatErrorCode(40003)
    /// `40013` — invalid appid.
    public static let invalidAppID = WeChatErrorCode(40013)
    /// `40014` — invalid access_token.
    public static let invalidAccessToken = WeChatErrorCode(40014)
    /// `40029` — invalid code.
    public static let invalidCode = WeChatErrorCode(40029)
    /// `40030` — invalid refresh_token.
    public static let invalidRefreshToken = WeChatErrorCode(40030)
    /// `40036` — invalid template_id size.
    public static let invalidTemplateIDSize = WeChatErrorCode(40036)
    /// `40037` — invalid template_id.
    public static let invalidTemplateID = WeChatErrorCode(40037)
    /// `40125` — invalid appsecret.
    public static let invalidAppSecret = WeChatErrorCode(40125)
    /// `40163` — code been used.
    public static let codeBeenUsed = WeChatErrorCode(40163)
    /// `40164` — invalid ip, not in whitelist.
    public static let ipNotWhitelisted = WeChatErrorCode(40164)
    /// `40243` — appsecret frozen.
    public static let appSecretFrozen = WeChatErrorCode(40243)
    /// `41001` — access_token missing.
    public static let accessTokenMissing = WeChatErrorCode(41001)
    /// `41002` — appid missing.
    public static let appIDMissing = WeChatErrorCode(41002)
    /// `41003` — refresh_token missing.
    public static let refreshTokenMissing = WeChatErrorCode(41003)
    /// `41004` — appsecret missing.
    public static let appSecretMissing = WeChatErrorCode(41004)
    /// `41008` — missing code.
    public static let codeMissing = WeChatErrorCode(41008)
    /// `41009` — missing openid.
    public static let openIDMissing = WeChatErrorCode(41009)
    /// `42001` — access_token expired.
    public static let accessTokenExpired = WeChatErrorCode(42001)
    /// `42002` — refresh_token expired.
    public static let refreshTokenExpired = WeChatErrorCode(42002)
    /// `42003` — code expired.
    public static let codeExpired = WeChatErrorCode(42003)
    /// `42007` — access_token and refresh_token exception.
    public static let userTokensRevoked = WeChatErrorCode(42007)
    /// `43001` — require GET method.
    public static let requireGETMethod = WeChatErrorCode(43001)
    /// `43002` — require POST method.
    public static let requirePOSTMethod = WeChatErrorCode(43002)
    /// `43003` — require https.
    public static let requireHTTPS = WeChatErrorCode(43003)
    /// `43004` — require subscribe.
    public static let requireSubscribe = WeChatErrorCode(43004)
    /// `43019` — require remove blacklist.
    public static let requireRemoveBlacklist = WeChatErrorCode(43019)
    /// `43101` — user refuse to accept the msg.
    public static let userRefusedMessages = WeChatErrorCode(43101)
    /// `44002` — empty post data.
    public static let emptyPostData = WeChatErrorCode(44002)
    /// `45009` — reach max api daily quota limit.
    public static let dailyQuotaReached = WeChatErrorCode(45009)
    /// `45011` — api minute-quota reach limit.
    public static let minuteQuotaReached = WeChatErrorCode(45011)
    /// `45047` — out of response count limit.
    public static let responseCountLimit = WeChatErrorCode(45047)
    /// `46004` — user no exist.
    public static let userNotExist = WeChatErrorCode(46004)
    /// `47001` — data format error.
    public static let dataFormatError = WeChatErrorCode(47001)
    /// `47003` — argument invalid.
    public static let argumentInvalid = WeChatErrorCode(47003)
    /// `48001` — api unauthorized.
    public static let apiUnauthorized = WeChatErrorCode(48001)
    /// `48004` — api forbidden for irregularities.
    public static let apiForbidden = WeChatErrorCode(48004)
    /// `50001` — api unauthorized or user unauthorized.
    public static let userUnauthorized = WeChatErrorCode(50001)
    /// `50002` — user limited.
    public static let userLimited = WeChatErrorCode(50002)
    /// `50004` — user not allow to use accesstoken.
    public static let accountPunished = WeChatErrorCode(50004)
    /// `50005` — user is unsubscribed.
    public static let userUnsubscribed = WeChatErrorCode(50005)
    /// `61004` — access clientip is not registered.
    public static let clientIPNotRegistered = WeChatErrorCode(61004)
    /// `89501` — ip approval pending.
    public static let ipApprovalPending = WeChatErrorCode(89501)
    /// `89503` — ip approval required.
    public static let ipApprovalRequired = WeChatErrorCode(89503)
    /// `89506` — ip refused, retry after 24 hours.
    public static let ipRefusedFor24Hours = WeChatErrorCode(89506)
    /// `89507` — ip refused, retry after 1 hour.
    public static let ipRefusedFor1Hour = WeChatErrorCode(89507)

    /// Every code in the catalogue, in numeric order.
    public static let catalogue: [WeChatErrorCode] = [
        .systemError,
        .ok,
        .invalidCredential,
        .invalidGrantType,
        .invalidOpenID,
        .invalidAppID,
        .invalidAccessToken,
        .invalidCode,
        .invalidRefreshToken,
        .invalidTemplateIDSize,
        .invalidTemplateID,
        .invalidAppSecret,
        .codeBeenUsed,
        .ipNotWhitelisted,
        .appSecretFrozen,
        .accessTokenMissing,
        .appIDMissing,
        .refreshTokenMissing,
        .appSecretMissing,
        .codeMissing,
        .openIDMissing,
        .accessTokenExpired,
        .refreshTokenExpired,
        .codeExpired,
        .userTokensRevoked,
        .requireGETMethod,
        .requirePOSTMethod,
        .requireHTTPS,
        .requireSubscribe,
        .requireRemoveBlacklist,
        .userRefusedMessages,
        .emptyPostData,
        .dailyQuotaReached,
        .minuteQuotaReached,
        .responseCountLimit,
        .userNotExist,
        .dataFormatError,
        .argumentInvalid,
        .apiUnauthorized,
        .apiForbidden,
        .userUnauthorized,
        .userLimited,
        .accountPunished,
        .userUnsubscribed,
        .clientIPNotRegistered,
        .ipApprovalPending,
        .ipApprovalRequired,
        .ipRefusedFor24Hours,
        .ipRefusedFor1Hour,
    ]

    static let categories: [Int: Category] = [
        -1: .retryable,
        40001: .tokenInvalid,
        40014: .tokenInvalid,
        40029: .userActionRequired,
        40030: .userActionRequired,
        40163: .userActionRequired,
        40164: .permission,
        40243: .permission,
        42001: .tokenInvalid,
        42002: .userActionRequired,
        42003: .userActionRequired,
        42007: .userActionRequired,
        43004: .userActionRequired,
        43019: .userActionRequired,
        43101: .userActionRequired,
        45009: .quota,
        45011: .retryable,
        45047: .quota,
        48001: .permission,
        48004: .permission,
        50001: .permission,
        50004: .permission,
        50005: .userActionRequired,
        61004: .permission,
        89501: .permission,
        89503: .permission,
        89506: .permission,
        89507: .permission,
    ]

    static let names: [Int: String] = [
        -1: "system error",
        0: "ok",
        40001: "invalid credential",
        40002: "invalid grant_type",
        40003: "invalid openid",
        40013: "invalid appid",
        40014: "invalid access_token",
        40029: "invalid code",
        40030: "invalid refresh_token",
        40036: "invalid template_id size",
        40037: "invalid template_id",
        40125: "invalid appsecret",
        40163: "code been used",
        40164: "invalid ip, not in whitelist",
        40243: "appsecret frozen",
        41001: "access_token missing",
        41002: "appid missing",
        41003: "refresh_token missing",
        41004: "appsecret missing",
        41008: "missing code",
        41009: "missing openid",
        42001: "access_token expired",
        42002: "refresh_token expired",
        42003: "code expired",
        42007: "access_token and refresh_token exception",
        43001: "require GET method",
        43002: "require POST method",
        43003: "require https",
        43004: "require subscribe",
        43019: "require remove blacklist",
        43101: "user refuse to accept the msg",
        44002: "empty post data",
        45009: "reach max api daily quota limit",
        45011: "api minute-quota reach limit",
        45047: "out of response count limit",
        46004: "user no exist",
        47001: "data format error",
        47003: "argument invalid",
        48001: "api unauthorized",
        48004: "api forbidden for irregularities",
        50001: "api unauthorized or user unauthorized",
        50002: "user limited",
        50004: "user not allow to use accesstoken",
        50005: "user is unsubscribed",
        61004: "access clientip is not registered",
        89501: "ip approval pending",
        89503: "ip approval required",
        89506: "ip refused, retry after 24 hours",
        89507: "ip refused, retry after 1 hour",
    ]
}
