import Fluent
import Logging
import WeChatKit

/// The official account's shared access_token: the process's provider, and its row read per request (today's
/// fetches, expiry) for the admin API and the metrics.
struct SharedAccessToken: Sendable {
    let provider: AccessTokenProvider
    let cipher: TokenCipher
    let clock: any ServerClock

    /// The token's row on `database` (the request's).
    func store(on database: any Database, logger: Logger) -> DatabaseAccessTokenStore {
        DatabaseAccessTokenStore(database: database, cipher: cipher, clock: clock, logger: logger,
                                 dailyLimit: DatabaseAccessTokenStore.dailyLimit(provider.configuration.mode))
    }
}
