import Testing
import Vapor
import VaporTesting
import WeChatKit
@testable import WeChatVapor

@Suite struct WeChatVaporTests {
    @Test(arguments: [
        (WeChatError.timeout, HTTPResponseStatus.gatewayTimeout),
        (WeChatError.transport, .badGateway),
        (WeChatError.decoding, .badGateway),
        (WeChatError.responseTooLarge, .badGateway),
        (WeChatError.invalidArgument, .badRequest),
        (WeChatError.api(.codeBeenUsed), .badGateway),
        (WeChatError.api(.invalidCode), .badGateway),
        (WeChatError.api(WeChatErrorCode(45009)), .serviceUnavailable),
        (WeChatError.api(WeChatErrorCode(-1)), .badGateway),
    ])
    func mapsErrorsToStatuses(_ error: WeChatError, _ status: HTTPResponseStatus) {
        #expect(error.status == status)
        #expect(!error.reason.isEmpty)
    }

    @Test func apiErrorReasonsNameOnlyTheCode() {
        #expect(WeChatError.api(.codeBeenUsed).reason == "WeChat refused the request (errcode 40163).")
    }

    @Test func storesClientsOnTheApplication() async throws {
        try await withApp { app in
            #expect(app.wechat.storage.officialAccount == nil)
            #expect(throws: Abort.self) { try app.wechat.requireWebsite() }
            let client = OAuthClient(credentials: AppCredentials(appID: "wx0123456789abcdef", secret: "s"))
            app.wechat.configure(.init(website: client))
            let configured = try app.wechat.requireWebsite()
            #expect(configured.credentials.appID == "wx0123456789abcdef")
            #expect(throws: Abort.self) { try app.wechat.requireOfficialAccount() }
        }
    }

    @Test func handlersThrowingWeChatErrorsGetTheMappedStatus() async throws {
        try await withApp { app in
            app.get("boom") { _ -> String in throw WeChatError.api(.codeBeenUsed) }
            try await app.testing().test(.GET, "boom") { response in
                #expect(response.status == .badGateway)
                #expect(response.body.string.contains("40163"))
            }
        }
    }
}
