import AsyncHTTPClient
import Foundation
import Logging

/// Serves the ordinary access_token to any number of concurrent callers.
///
/// - **Single flight:** concurrent callers that find no fresh token await the same fetch, so 1,000 callers
///   cause one upstream request.
/// - **Refresh ahead:** a token is refetched ``Configuration/refreshMargin`` before it expires; if that
///   refetch fails while the old token is still valid, the old token is served.
/// - **Shared store and lease:** the token lives in an ``AccessTokenStore``; only the holder of the store's
///   refresh lease fetches, others poll the store (with the injected clock, bounded by
///   ``Configuration/leaseWaitTimeout``) until the new token appears.
/// - **Token-invalid recovery:** ``withAccessToken(_:)`` invalidates a token that WeChat rejects with
///   40001/40014/42001 — only if it is still the current one (compare-and-swap) — then retries once.
public actor AccessTokenProvider {
    /// The app whose token this provider serves.
    public nonisolated let appID: String
    /// The provider's configuration.
    public nonisolated let configuration: Configuration
    let credentials: AppCredentials
    let store: any AccessTokenStore
    let requester: APIRequester
    let clock: any WeChatClock
    nonisolated let logger: Logger

    private var cached: AccessToken?
    private var inFlight: Task<AccessToken, any Error>?
    var forceNextFetch = false
    var fetches = 0

    /// Creates a provider on AsyncHTTPClient.
    ///
    /// - Parameters:
    ///   - credentials: the app's AppID and AppSecret.
    ///   - store: where the token and refresh lease live (default: a new in-memory store).
    ///   - configuration: endpoint, mode, margins, lease timing.
    ///   - httpClient: the HTTP client (default `HTTPClient.shared`); the caller owns its lifecycle.
    ///   - clock: the time source for expiries, polling and back-off.
    ///   - logger: receives structured, secret-free log lines.
    public init(
        credentials: AppCredentials,
        store: any AccessTokenStore = InMemoryAccessTokenStore(),
        configuration: Configuration = Configuration(),
        httpClient: HTTPClient = .shared,
        clock: any WeChatClock = SystemWeChatClock(),
        logger: Logger = Logger(label: "WeChatKit.AccessTokenProvider")
    ) {
        self.init(
            credentials: credentials, store: store, configuration: configuration,
            transport: AsyncHTTPClientTransport(client: httpClient), clock: clock, logger: logger)
    }

    /// Creates a provider on any transport (tests use a fake).
    init(
        credentials: AppCredentials, store: any AccessTokenStore, configuration: Configuration,
        transport: any HTTPTransport, clock: any WeChatClock, logger: Logger
    ) {
        self.appID = credentials.appID
        self.credentials = credentials
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.requester = APIRequester(
            transport: transport, endpoint: configuration.endpoint, http: configuration.http, clock: clock,
            logger: logger, appID: credentials.appID)
    }

    /// How many upstream fetches this provider has made (for metrics).
    public var fetchCount: Int { fetches }

    /// A fresh token: the cached one, the store's, or a new fetch (single-flight).
    public func token() async throws -> AccessToken {
        if let cached, cached.isFresh(at: clock.now(), refreshMargin: configuration.refreshMargin) {
            return cached
        }
        let task: Task<AccessToken, any Error>
        if let inFlight {
            task = inFlight
        } else {
            task = Task { try await self.obtain() }
            inFlight = task
        }
        do {
            return try await task.value
        } catch {
            if let cached, cached.isValid(at: clock.now()) {
                logger.warning(
                    "wechat access token refresh failed; serving the still-valid token",
                    metadata: ["wechat.appid": "\(appID)", "wechat.error": "\(error)"])
                return cached
            }
            throw error
        }
    }

    /// Runs `body` with a token; if it throws a token-invalid ``WeChatError`` (40001/40014/42001), invalidates
    /// that token (only if still current) and runs `body` once more with a fresh one. Never loops.
    public nonisolated func withAccessToken<T: Sendable>(
        _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let first = try await token()
        do {
            return try await body(first.value)
        } catch let error as WeChatError where error.category == .tokenInvalid {
            logger.notice(
                "wechat access token rejected; retrying once with a fresh token",
                metadata: ["wechat.appid": "\(appID)", "wechat.errcode": "\(error.code?.rawValue ?? 0)"])
            await invalidate(first.value)
            let second = try await token()
            return try await body(second.value)
        }
    }

    /// Drops `tokenValue` from the cache and the store, but only where it is still the current token
    /// (compare-and-swap), so a token already replaced by another caller or instance is left alone.
    public func invalidate(_ tokenValue: String) async {
        if cached?.value == tokenValue { cached = nil }
        do {
            if try await store.replace(appID: appID, ifCurrent: tokenValue, with: nil) {
                forceNextFetch = true
                logger.info("wechat access token invalidated", metadata: ["wechat.appid": "\(appID)"])
            }
        } catch {
            logger.warning(
                "wechat access token store failed to invalidate", metadata: ["wechat.appid": "\(appID)", "wechat.error": "\(error)"])
        }
    }

    private func obtain() async throws -> AccessToken {
        defer { inFlight = nil }
        let token = try await obtainFromStoreOrFetch()
        cached = token
        return token
    }
}
