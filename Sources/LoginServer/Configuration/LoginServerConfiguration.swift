import Crypto
import Foundation
import WeChatKit

/// Everything the login server needs to know, read once at the edge (`fromEnvironment`) and passed in.
public struct LoginServerConfiguration: Sendable {
    /// The official account (in-WeChat login), when configured.
    public var officialAccount: AppCredentials?
    /// The website app (PC QR login), when configured.
    public var website: AppCredentials?
    /// Where WeChat is: production, or the sandbox's base URL.
    public var endpoint: Endpoint = .production
    /// Timeouts, body cap and retries of calls to WeChat.
    public var weChatHTTP = WeChatHTTPConfiguration()
    /// The public base URL of this server (`https://login.example.com`); the WeChat callback is built from it.
    public var publicURL: String = "http://127.0.0.1:8080"
    /// The database to use.
    public var database: DatabaseLocation = .sqliteFile("wechat-login.sqlite")
    /// The key that seals WeChat tokens at rest (and from which the one-time-code key is derived).
    public var tokenKey: TokenKey
    /// Older keys that still open tokens sealed before a rotation.
    public var previousTokenKeys: [TokenKey] = []
    /// The official account's server endpoint (`/wechat/events`): Token, EncodingAESKey and encryption mode as set
    /// in WeChat's console. The endpoint answers 404 while this is `nil`.
    public var messageServer: MessageServer.Configuration?
    /// The business's own message handler that gets the pushes the server does not consume (`WECHAT_RELAY_…`);
    /// `nil`: no relay.
    public var relay: PushRelayConfiguration?
    /// How the official account's ordinary access_token is fetched: `cgi-bin/token` (classic) or
    /// `cgi-bin/stable_token`.
    public var accessTokenMode: AccessTokenProvider.Mode = .classic
    /// Bearer token of the admin API (`/api/admin/…`, for the business's back end); the admin API answers 404
    /// while this is `nil`.
    public var adminToken: String?
    /// Reverse proxies whose `X-Forwarded-For` is believed for the client address in logs. Links and cookies never
    /// depend on forwarded headers: they come from ``publicURL``.
    public var trustedProxies: TrustedProxies = .none
    /// Per-client request rate limits on `/login`, the callback, `/bind/…` and the APIs (`RATE_LIMITS`,
    /// `RATE_LIMITS_PER_MINUTE`), counted in this instance's memory.
    public var rateLimits = RateLimits()
    /// Bearer token that `/metrics` requires; with `nil`, `/metrics` answers 404 unless ``sandboxMode`` is on.
    public var metricsToken: String?
    /// The durable template-message queue's worker on this instance.
    public var messageQueue = MessageQueueConfiguration()
    /// Webhook delivery on this instance (`WEBHOOK_WORKER`, `WEBHOOK_CONCURRENCY`, `WEBHOOK_TIMEOUT_SECONDS`).
    public var webhooks = WebhookConfiguration()
    /// How one-time codes reach people.
    public var codeDelivery: CodeDelivery = .developmentOutbox
    /// Whether `serve` applies pending migrations at start (`MIGRATE_ON_START`, default on). Only PostgreSQL with
    /// real credentials reads it: in sandbox mode and on SQLite the server always migrates (under the lock).
    public var migrateOnStart: Bool = true
    /// True when running against the sandbox: enables the development outbox pages.
    public var sandboxMode: Bool = false
    /// How long a login `state` stays usable.
    public var stateLifetime: TimeInterval = 10 * 60
    /// How long a one-time code stays usable.
    public var bindCodeLifetime: TimeInterval = 10 * 60
    /// Wrong codes allowed per challenge before it is spent.
    public var bindMaxAttempts: Int = 5
    /// Minimum time between two codes sent to one address for one identity.
    public var bindResendCooldown: TimeInterval = 60
    /// Codes sent and wrong codes tried per address and per account, per hour and per day.
    public var bindLimits = BindLimits()
    /// How long a signed-in session lasts.
    public var sessionLifetime: TimeInterval = 7 * 24 * 3600
    /// How long after its completion a repeated callback (WeChat's double callback, the back button) is still
    /// answered with the first result; later repeats get the invalid-link page.
    public var callbackRepeatWindow: TimeInterval = 120
    /// How long a WeChat identity waits in the session to be bound to an account before the login must start again.
    public var pendingBindingLifetime: TimeInterval = 15 * 60
    /// How recent the session's WeChat sign-in must be for the person to delete their account
    /// (`ACCOUNT_DELETE_REAUTH_SECONDS`, default 5 minutes): a browser left signed in is not enough to 注销.
    public var accountDeleteReauth: TimeInterval = 300
    /// The OpenID Connect provider's signing keys: how long a retired key stays published, how stale the cache.
    public var signingKeys = SigningKeyConfiguration()
    /// How long the event log (the audit trail, `events`) keeps an event: a year by default (`AUDIT_RETENTION_DAYS`).
    public var auditRetention: TimeInterval = 365 * 86_400
    /// How long finished template messages, WeChat's pushes, relayed pushes and push nonces are kept.
    public var retention = RetentionConfiguration()
    /// Which sign-in a PC browser gets (`PC_LOGIN`): the website app's QR login (default), the official account's
    /// QR code (follow-to-sign-in), or a choice of both.
    public var pcLogin: PCLoginMode = .website
    /// The official account's name, shown beside its QR code (`WECHAT_OA_NAME`; in sandbox mode the sandbox
    /// account's); a generic 公众号 when `nil`.
    public var officialAccountName: String?
    /// The origins (`scheme://host[:port]`) whose pages may frame the embeddable follow-login page
    /// (`FOLLOW_LOGIN_EMBED_ORIGINS`); none by default, and then that page is refused. Every other page stays unframable.
    public var followLoginEmbedOrigins: [String] = []
    /// Follow-to-sign-in's QR lifetime and status long-poll.
    var followLogin = FollowLoginConfiguration()
    /// The authorization-code flow's lifetimes (fixed defaults; tests shorten them).
    var oidcProvider = OIDCProviderConfiguration()

    /// Where the database lives.
    public enum DatabaseLocation: Sendable, Equatable {
        /// An in-memory SQLite database (tests).
        case sqliteMemory
        /// A SQLite file, created when missing.
        case sqliteFile(String)
        /// A PostgreSQL URL (`postgres://user:password@host:port/database`).
        case postgres(String)
    }

    /// How one-time codes are delivered.
    public enum CodeDelivery: Sendable, Equatable {
        /// Written to the `dev_outbox` table and shown at `/dev/outbox` (sandbox mode).
        case developmentOutbox
        /// POSTed as JSON to an SMS/email gateway's webhook.
        case webhook(URL)
    }

    /// A key that seals tokens at rest, with the short id stored beside each sealed value.
    public struct TokenKey: Sendable {
        /// The key's name, e.g. `k1` or `2026-11`.
        public var id: String
        /// 32 bytes.
        public var key: SymmetricKey {
            didSet { derived = DerivedKeys(from: key) }
        }
        /// The keys derived from ``key``, derived once (not per request).
        private(set) var derived: DerivedKeys

        /// A named key.
        public init(id: String, key: SymmetricKey) {
            self.id = id
            self.key = key
            self.derived = DerivedKeys(from: key)
        }
    }

    /// Keys derived from the token key with HKDF, so there is one secret to manage.
    struct DerivedKeys: Sendable {
        /// The HMAC key for one-time codes.
        let codeKey: SymmetricKey
        /// The HMAC key that signs browser-binding cookies.
        let bindingKey: SymmetricKey

        init(from key: SymmetricKey) {
            codeKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("wechat-login one-time codes".utf8),
                                             outputByteCount: 32)
            bindingKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("wechat-login browser binding".utf8),
                                                outputByteCount: 32)
        }
    }

    /// A configuration with every default and the given token key.
    public init(tokenKey: TokenKey) {
        self.tokenKey = tokenKey
    }

    /// The cipher built from the token keys.
    var tokenCipher: TokenCipher {
        TokenCipher(current: (tokenKey.id, tokenKey.key), previous: previousTokenKeys.map { ($0.id, $0.key) })
    }

    /// The HMAC key for one-time codes, derived from the token key so there is one secret to manage.
    var codeKey: SymmetricKey { tokenKey.derived.codeKey }

    /// The HMAC key that signs browser-binding cookies, derived from the token key like ``codeKey``.
    var bindingKey: SymmetricKey { tokenKey.derived.bindingKey }

    /// A cookie's name: `__Host-` in front on https, so the browser only takes it from this exact origin (never
    /// from a sibling subdomain), with `Secure` and `Path=/`.
    func cookieName(_ base: String) -> String { isHTTPS ? "__Host-" + base : base }

    /// True when the public URL is https, which makes cookies `Secure`.
    var isHTTPS: Bool { publicURL.lowercased().hasPrefix("https://") }

    /// The callback WeChat redirects to.
    var callbackURL: String { publicURL + "/auth/wechat/callback" }

    /// The host (and port) of the public URL, which is what WeChat's domain rules compare.
    public var publicHost: String {
        let withoutScheme = publicURL.split(separator: "://", maxSplits: 1).last.map(String.init) ?? publicURL
        return withoutScheme.split(separator: "/", maxSplits: 1).first.map(String.init) ?? withoutScheme
    }
}
