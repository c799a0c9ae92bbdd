import Foundation
import Testing

@testable import WeChatKit

@Suite struct RedactionTests {
    let secret = "c0ffee0123456789abcdefSECRET"

    @Test func credentialsNeverPrintTheSecret() {
        let credentials = AppCredentials(appID: "wx520c15f417810387", secret: secret)
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [credentials.description, credentials.debugDescription, "\(credentials)", String(reflecting: credentials), dumped] {
            #expect(!text.contains(secret))
            #expect(text.contains("wx520c15f417810387"))
        }
    }

    @Test func tokensNeverPrintTheirValues() {
        let now = Date(timeIntervalSince1970: 0)
        let user = UserToken(
            accessToken: "USER_ACCESS_SECRET", expiresAt: now, refreshToken: "USER_REFRESH_SECRET", openID: "o1",
            scopes: [.snsapiBase])
        let access = AccessToken(value: "CGI_ACCESS_SECRET", fetchedAt: now, expiresAt: now)
        var dumped = ""
        dump(user, to: &dumped)
        dump(access, to: &dumped)
        let texts = [user.description, String(reflecting: user), access.description, String(reflecting: access), dumped]
        for text in texts {
            #expect(!text.contains("USER_ACCESS_SECRET"))
            #expect(!text.contains("USER_REFRESH_SECRET"))
            #expect(!text.contains("CGI_ACCESS_SECRET"))
        }
    }
}
