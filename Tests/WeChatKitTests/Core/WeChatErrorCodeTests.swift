import Testing

@testable import WeChatKit

@Suite struct WeChatErrorCodeTests {
    static let expectedCategories: [(WeChatErrorCode, WeChatErrorCode.Category)] = [
        (.systemError, .retryable),
        (.ok, .permanent),
        (.invalidCredential, .tokenInvalid),
        (.invalidGrantType, .permanent),
        (.invalidOpenID, .permanent),
        (.invalidAppID, .permanent),
        (.invalidAccessToken, .tokenInvalid),
        (.invalidCode, .userActionRequired),
        (.invalidRefreshToken, .userActionRequired),
        (.invalidTemplateIDSize, .permanent),
        (.invalidTemplateID, .permanent),
        (.invalidAppSecret, .permanent),
        (.codeBeenUsed, .userActionRequired),
        (.ipNotWhitelisted, .permission),
        (.appSecretFrozen, .permission),
        (.accessTokenMissing, .permanent),
        (.appIDMissing, .permanent),
        (.refreshTokenMissing, .permanent),
        (.appSecretMissing, .permanent),
        (.codeMissing, .permanent),
        (.openIDMissing, .permanent),
        (.accessTokenExpired, .tokenInvalid),
        (.refreshTokenExpired, .userActionRequired),
        (.codeExpired, .userActionRequired),
        (.userTokensRevoked, .userActionRequired),
        (.requireGETMethod, .permanent),
        (.requirePOSTMethod, .permanent),
        (.requireHTTPS, .permanent),
        (.requireSubscribe, .userActionRequired),
        (.requireRemoveBlacklist, .userActionRequired),
        (.userRefusedMessages, .userActionRequired),
        (.emptyPostData, .permanent),
        (.dailyQuotaReached, .quota),
        (.minuteQuotaReached, .retryable),
        (.responseCountLimit, .quota),
        (.userNotExist, .permanent),
        (.dataFormatError, .permanent),
        (.argumentInvalid, .permanent),
        (.apiUnauthorized, .permission),
        (.apiForbidden, .permission),
        (.userUnauthorized, .permission),
        (.userLimited, .permanent),
        (.accountPunished, .permission),
        (.userUnsubscribed, .userActionRequired),
        (.clientIPNotRegistered, .permission),
        (.ipApprovalPending, .permission),
        (.ipApprovalRequired, .permission),
        (.ipRefusedFor24Hours, .permission),
        (.ipRefusedFor1Hour, .permission),
    ]

    @Test(arguments: expectedCategories)
    func category(_ code: WeChatErrorCode, _ expected: WeChatErrorCode.Category) {
        #expect(code.category == expected)
        #expect(code.name != nil)
    }

    @Test func catalogueIsExactlyTheTable() {
        #expect(WeChatErrorCode.catalogue == Self.expectedCategories.map(\.0))
        #expect(Set(WeChatErrorCode.catalogue).count == WeChatErrorCode.catalogue.count)
    }

    @Test func tokenInvalidIsExactlyTheThreeTokenCodes() {
        let tokenCodes = WeChatErrorCode.catalogue.filter { $0.category == .tokenInvalid }.map(\.rawValue)
        #expect(tokenCodes == [40001, 40014, 42001])
    }

    @Test func unknownCodesArePermanentAndNameless() {
        let code: WeChatErrorCode = 99999
        #expect(code.category == .permanent)
        #expect(code.name == nil)
        #expect(code.description == "99999")
        #expect(WeChatErrorCode.invalidCredential.description == "40001 (invalid credential)")
    }
}
