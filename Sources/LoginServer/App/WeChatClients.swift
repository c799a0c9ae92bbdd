import Vapor
import Fluent
import Logging
import WeChatKit

/// The WeChat clients of the configured apps, built once at start-up; any may be absent.
struct WeChatClients: Sendable {
    /// The official account's OAuth client (in-WeChat web authorization).
    let officialAccount: OAuthClient?
    /// The website app's OAuth client (PC QR login).
    let website: OAuthClient?
    /// The official account's access_token, shared by every instance through the database.
    let accessTokens: AccessTokenProvider?
    /// The official account's parametric QR codes (follow-to-sign-in), on the shared access_token.
    let qrCodes: QRCodeClient?
    /// The official account's `cgi-bin/user/info` (the unionid of someone who scanned), on the shared access_token.
    let followers: FollowerClient?

    /// The clients `configuration` asks for. The access_token provider keeps its row on `database` (the
    /// application's): it is one cache for the process, not per request.
    init(configuration: LoginServerConfiguration, database: any Database, httpClient: HTTPClient,
         clock: any ServerClock, weChatClock: any WeChatClock, logger: Logger) {
        let clientConfiguration = OAuthClient.Configuration(endpoint: configuration.endpoint, http: configuration.weChatHTTP)
        accessTokens = configuration.officialAccount.map {
            AccessTokenProvider(
                credentials: $0,
                store: DatabaseAccessTokenStore(
                    database: database, cipher: configuration.tokenCipher, clock: clock, logger: logger,
                    dailyLimit: DatabaseAccessTokenStore.dailyLimit(configuration.accessTokenMode)),
                configuration: .init(endpoint: configuration.endpoint, http: configuration.weChatHTTP,
                                     mode: configuration.accessTokenMode),
                httpClient: httpClient, clock: weChatClock, logger: logger)
        }
        let tokenClientConfiguration = WeChatClientConfiguration(endpoint: configuration.endpoint, http: configuration.weChatHTTP)
        qrCodes = accessTokens.map {
            QRCodeClient(tokenProvider: $0, configuration: tokenClientConfiguration, httpClient: httpClient, logger: logger)
        }
        followers = accessTokens.map {
            FollowerClient(tokenProvider: $0, configuration: tokenClientConfiguration, httpClient: httpClient, logger: logger)
        }
        officialAccount = configuration.officialAccount.map {
            OAuthClient(credentials: $0, configuration: clientConfiguration, httpClient: httpClient,
                        clock: weChatClock, logger: logger)
        }
        website = configuration.website.map {
            OAuthClient(credentials: $0, configuration: clientConfiguration, httpClient: httpClient,
                        clock: weChatClock, logger: logger)
        }
    }
}
