import Vapor
import WeChatKit

extension Application {
    /// WeChat clients shared by the whole application: set once at start-up, read from every request.
    public var wechat: WeChat { WeChat(application: self) }

    /// WeChat's clients stored on an `Application`.
    public struct WeChat: Sendable {
        let application: Application

        private struct Key: StorageKey {
            typealias Value = Storage
        }

        /// The clients this application was configured with.
        public struct Storage: Sendable {
            /// The official account's OAuth client (in-WeChat web authorization), when configured.
            public var officialAccount: OAuthClient?
            /// The website app's OAuth client (PC QR login), when configured.
            public var website: OAuthClient?
            /// The official account's ordinary access_token provider, when configured.
            public var accessTokens: AccessTokenProvider?

            /// Clients to store; any may be absent.
            public init(officialAccount: OAuthClient? = nil, website: OAuthClient? = nil,
                        accessTokens: AccessTokenProvider? = nil) {
                self.officialAccount = officialAccount
                self.website = website
                self.accessTokens = accessTokens
            }
        }

        /// The stored clients; empty until `configure(_:)` is called.
        public var storage: Storage {
            application.storage[Key.self] ?? Storage()
        }

        /// Stores the application's WeChat clients.
        public func configure(_ storage: Storage) {
            application.storage[Key.self] = storage
        }

        /// The official account's OAuth client; throws `503` when it is not configured.
        public func requireOfficialAccount() throws -> OAuthClient {
            guard let client = storage.officialAccount else {
                throw Abort(.serviceUnavailable, reason: "The WeChat official account is not configured.")
            }
            return client
        }

        /// The website app's OAuth client; throws `503` when it is not configured.
        public func requireWebsite() throws -> OAuthClient {
            guard let client = storage.website else {
                throw Abort(.serviceUnavailable, reason: "The WeChat website app is not configured.")
            }
            return client
        }
    }
}
