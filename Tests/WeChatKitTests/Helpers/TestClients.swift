import Foundation
import Logging

@testable import WeChatKit

/// Builders for clients wired to a fake transport and a manual clock.
enum TestClients {
    static let credentials = AppCredentials(appID: "wx520c15f417810387", secret: "APP_SECRET_0123456789abcdef")

    static func oauth(
        _ transport: FakeTransport, clock: ManualClock = ManualClock(), logger: Logger = .silent,
        endpoint: Endpoint = .sandbox(baseURL: "http://127.0.0.1:8080")
    ) -> OAuthClient {
        OAuthClient(
            credentials: credentials, configuration: .init(endpoint: endpoint), transport: transport, clock: clock,
            logger: logger)
    }

    static func provider(
        _ transport: FakeTransport, clock: ManualClock, store: any AccessTokenStore, mode: AccessTokenProvider.Mode = .classic,
        holderID: String = UUID().uuidString, logger: Logger = .silent
    ) -> AccessTokenProvider {
        AccessTokenProvider(
            credentials: credentials, store: store,
            configuration: .init(endpoint: .sandbox(baseURL: "http://127.0.0.1:8080"), mode: mode, holderID: holderID),
            transport: transport, clock: clock, logger: logger)
    }
}

extension Logger {
    /// A logger that drops everything, so test output stays readable.
    static let silent = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
}
