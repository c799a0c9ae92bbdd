import Crypto
import Foundation
import WeChatKit

extension LoginServerConfiguration {
    /// Why the environment could not be turned into a configuration. Never echoes secret values.
    public struct EnvironmentError: Error, CustomStringConvertible {
        /// What is wrong, naming the variable.
        public let description: String
    }

    /// The environment variables the server reads, documented in the README.
    public enum Variable {
        public static let officialAccountAppID = "WECHAT_OA_APPID"
        public static let officialAccountSecret = "WECHAT_OA_SECRET"
        public static let websiteAppID = "WECHAT_WEB_APPID"
        public static let websiteSecret = "WECHAT_WEB_SECRET"
        public static let publicURL = "PUBLIC_URL"
        public static let databaseURL = "DATABASE_URL"
        public static let tokenEncryptionKey = "TOKEN_ENCRYPTION_KEY"
        public static let previousTokenEncryptionKeys = "TOKEN_ENCRYPTION_PREVIOUS_KEYS"
        public static let codeWebhookURL = "CODE_WEBHOOK_URL"
        public static let adminToken = "ADMIN_API_TOKEN"
        public static let accessTokenMode = "WECHAT_ACCESS_TOKEN_MODE"
        public static let serverToken = "WECHAT_SERVER_TOKEN"
        public static let encodingAESKey = "WECHAT_ENCODING_AES_KEY"
        public static let previousEncodingAESKey = "WECHAT_PREVIOUS_ENCODING_AES_KEY"
        public static let messageMode = "WECHAT_MESSAGE_MODE"
        public static let apiBaseURL = "WECHAT_API_BASE_URL"
        public static let metricsToken = "METRICS_TOKEN"
        public static let trustedProxies = "TRUSTED_PROXIES"
        public static let messageWorker = "MESSAGE_WORKER"
        public static let messageWorkerConcurrency = "MESSAGE_WORKER_CONCURRENCY"
        public static let messageClaimLease = "MESSAGE_CLAIM_LEASE_SECONDS"
        public static let messagePollInterval = "MESSAGE_POLL_INTERVAL_MS"
        public static let rateLimits = "RATE_LIMITS"
        public static let rateLimitsPerMinute = "RATE_LIMITS_PER_MINUTE"
        public static let retiredSigningKeyPublished = "OIDC_RETIRED_KEY_PUBLISHED_SECONDS"
        public static let auditRetentionDays = "AUDIT_RETENTION_DAYS"
        /// Days a finished template message is kept (default 90).
        public static let templateMessageRetentionDays = "TEMPLATE_MESSAGE_RETENTION_DAYS"
        /// Days a push from WeChat is kept (default 30).
        public static let inboundEventRetentionDays = "INBOUND_EVENT_RETENTION_DAYS"
        /// Hours a relayed push's row is kept (default 24).
        public static let pushRelayRetentionHours = "PUSH_RELAY_RETENTION_HOURS"
        /// `website` (default), `official-account` or `both`: the sign-in a PC browser gets at `/login`.
        public static let pcLogin = "PC_LOGIN"
        /// The official account's name, shown beside its QR code on the follow-to-sign-in page.
        public static let officialAccountName = "WECHAT_OA_NAME"
        /// Origins (`https://www.example.com`, comma-separated) allowed to frame the embeddable follow-login page.
        public static let followLoginEmbedOrigins = "FOLLOW_LOGIN_EMBED_ORIGINS"
        /// Seconds since the last WeChat sign-in within which a person may delete their account (default 300).
        public static let accountDeleteReauthSeconds = "ACCOUNT_DELETE_REAUTH_SECONDS"
        /// `on` (default) or `off`: whether `serve` on PostgreSQL with real credentials applies pending migrations
        /// at start (under the migration lock) or refuses to start until `wechat-login migrate` ran.
        public static let migrateOnStart = "MIGRATE_ON_START"
        /// `on`, `off`, or unset (sandbox mode only where harmless): see ``LoginServerConfiguration/runMode(environment:hostname:sandboxFlag:)``.
        public static let sandbox = "WECHAT_SANDBOX"
    }

    /// Reads the configuration from environment variables.
    ///
    /// `TOKEN_ENCRYPTION_KEY` is `ID:BASE64` (or just `BASE64`, id `k1`) of 32 random bytes; it is required unless
    /// `sandbox` is true, where a throwaway key is generated. `DATABASE_URL` is `sqlite:PATH`, `sqlite::memory:`, or
    /// `postgres://…`; a plain SQLite file `wechat-login.sqlite` otherwise. With real credentials (`sandbox` false),
    /// `PUBLIC_URL`, `CODE_WEBHOOK_URL` and `WECHAT_API_BASE_URL` must be https unless their host is loopback.
    public static func fromEnvironment(_ environment: [String: String], sandbox: Bool) throws -> LoginServerConfiguration {
        func value(_ name: String) -> String? {
            let raw = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines)
            return (raw?.isEmpty ?? true) ? nil : raw
        }
        // The apps first: a misspelled app variable is the likeliest mistake, and its message the most useful.
        let officialAccount = try credentials(
            value(Variable.officialAccountAppID), value(Variable.officialAccountSecret),
            names: (Variable.officialAccountAppID, Variable.officialAccountSecret))
        let website = try credentials(
            value(Variable.websiteAppID), value(Variable.websiteSecret),
            names: (Variable.websiteAppID, Variable.websiteSecret))
        var configuration = try keyRing(value, sandbox: sandbox)
        configuration.sandboxMode = sandbox
        configuration.officialAccount = officialAccount
        configuration.website = website
        if let url = value(Variable.publicURL) {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw EnvironmentError(description: "\(Variable.publicURL) must start with http:// or https://")
            }
            try requireHTTPS(url, variable: Variable.publicURL, sandbox: sandbox)
            configuration.publicURL = String(url.reversed().drop(while: { $0 == "/" }).reversed())
        } else if !sandbox {
            throw EnvironmentError(description: "\(Variable.publicURL) is required with real WeChat credentials: WeChat sends people back to PUBLIC_URL/auth/wechat/callback")
        }
        if let url = value(Variable.databaseURL) { configuration.database = try parseDatabase(url) }
        configuration.messageServer = try messageServer(value, appID: configuration.officialAccount?.appID)
        configuration.relay = try pushRelay(value, account: configuration.messageServer)
        switch value(Variable.accessTokenMode)?.lowercased() {
        case nil, "classic": configuration.accessTokenMode = .classic
        case "stable": configuration.accessTokenMode = .stable
        default: throw EnvironmentError(description: "\(Variable.accessTokenMode) must be classic or stable")
        }
        if let admin = value(Variable.adminToken) {
            guard admin.utf8.count >= 24 else {
                throw EnvironmentError(description: "\(Variable.adminToken) must be at least 24 characters (`openssl rand -hex 32`)")
            }
            configuration.adminToken = admin
        }
        if let token = value(Variable.metricsToken) {
            guard token.utf8.count >= 24 else {
                throw EnvironmentError(description: "\(Variable.metricsToken) must be at least 24 characters (`openssl rand -hex 32`)")
            }
            configuration.metricsToken = token
        }
        if let base = value(Variable.apiBaseURL) {
            guard let url = URL(string: base), url.scheme == "https" || url.scheme == "http", url.host != nil,
                  url.query == nil else {
                throw EnvironmentError(description: "\(Variable.apiBaseURL) must be an http(s) base URL, such as a standalone sandbox's http://127.0.0.1:8081")
            }
            try requireHTTPS(base, variable: Variable.apiBaseURL, sandbox: sandbox)
            configuration.endpoint = .sandbox(baseURL: String(base.reversed().drop(while: { $0 == "/" }).reversed()))
        }
        configuration.messageQueue = try messageQueue(value)
        configuration.webhooks = try webhooks(value)
        configuration.rateLimits = try rateLimits(value)
        configuration.migrateOnStart = try migrateOnStart(value)
        configuration.signingKeys = try signingKeys(value)
        configuration.retention = try retention(value)
        if let days = value(Variable.auditRetentionDays) {
            guard let parsed = Int(days), (1...36_500).contains(parsed) else {
                throw EnvironmentError(description: "\(Variable.auditRetentionDays) must be a whole number of days from 1 to 36500 (default 365)")
            }
            configuration.auditRetention = TimeInterval(parsed) * 86_400
        }
        try readPCLogin(value, into: &configuration)
        if let seconds = value(Variable.accountDeleteReauthSeconds) {
            guard let parsed = Int(seconds), (30...86_400).contains(parsed) else {
                throw EnvironmentError(description: "\(Variable.accountDeleteReauthSeconds) must be a whole number of seconds from 30 to 86400 (default 300)")
            }
            configuration.accountDeleteReauth = TimeInterval(parsed)
        }
        if let proxies = value(Variable.trustedProxies) {
            guard let parsed = TrustedProxies(proxies) else {
                throw EnvironmentError(description: "\(Variable.trustedProxies) must list IP addresses or CIDR ranges, comma-separated (127.0.0.1,10.0.0.0/8)")
            }
            configuration.trustedProxies = parsed
        }
        if let webhook = value(Variable.codeWebhookURL) {
            guard let url = URL(string: webhook), url.scheme == "https" || url.scheme == "http" else {
                throw EnvironmentError(description: "\(Variable.codeWebhookURL) must be an http(s) URL")
            }
            try requireHTTPS(webhook, variable: Variable.codeWebhookURL, sandbox: sandbox)
            configuration.codeDelivery = .webhook(url)
        } else if !sandbox {
            throw EnvironmentError(description: "\(Variable.codeWebhookURL) is required with real WeChat credentials: one-time codes need an SMS/email gateway")
        }
        return configuration
    }

    /// Only what `wechat-login reseal-tokens` and `rotate-signing-keys` need: the key ring (`TOKEN_ENCRYPTION_KEY`
    /// required), `DATABASE_URL` and `OIDC_RETIRED_KEY_PUBLISHED_SECONDS`; every other setting keeps its default.
    public static func tokenStorage(fromEnvironment environment: [String: String]) throws -> LoginServerConfiguration {
        func value(_ name: String) -> String? {
            let raw = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines)
            return (raw?.isEmpty ?? true) ? nil : raw
        }
        var configuration = try keyRing(value, sandbox: false)
        if let url = value(Variable.databaseURL) { configuration.database = try parseDatabase(url) }
        configuration.signingKeys = try signingKeys(value)
        return configuration
    }

    /// A configuration holding the current and previous token keys; a throwaway current key in sandbox mode.
    private static func keyRing(_ value: (String) -> String?, sandbox: Bool) throws -> LoginServerConfiguration {
        let key: TokenKey
        if let raw = value(Variable.tokenEncryptionKey) {
            key = try parseKey(raw, variable: Variable.tokenEncryptionKey)
        } else if sandbox {
            key = TokenKey(id: "dev", key: SymmetricKey(size: .bits256))
        } else {
            throw EnvironmentError(description: "\(Variable.tokenEncryptionKey) is required: 32 random bytes, base64 (`openssl rand -base64 32`)")
        }
        var configuration = LoginServerConfiguration(tokenKey: key)
        configuration.previousTokenKeys = try (value(Variable.previousTokenEncryptionKeys) ?? "")
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .map { try parseKey($0, variable: Variable.previousTokenEncryptionKeys) }
        let ids = [key.id] + configuration.previousTokenKeys.map(\.id)
        guard Set(ids).count == ids.count else {
            throw EnvironmentError(description: "\(Variable.tokenEncryptionKey) and \(Variable.previousTokenEncryptionKeys) must use different key ids (ID:BASE64)")
        }
        return configuration
    }

    /// With real credentials, a URL people's cookies, one-time codes or WeChat's secrets travel to must be https;
    /// plain http is allowed only to a loopback host (the benchmark, the multi-instance test, a local sandbox).
    static func requireHTTPS(_ url: String, variable: String, sandbox: Bool) throws {
        guard !sandbox, url.lowercased().hasPrefix("http://"), !isLoopback(url: url) else { return }
        throw EnvironmentError(description: "\(variable) must be an https:// URL with real WeChat credentials (plain http only to a loopback host: 127.0.0.1, ::1, localhost)")
    }

    /// `PC_LOGIN` and `WECHAT_OA_NAME`. Follow-to-sign-in needs the official account and its server endpoint (the
    /// scan arrives as a push); in sandbox mode the embedded sandbox supplies both.
    static func readPCLogin(_ value: (String) -> String?, into configuration: inout LoginServerConfiguration) throws {
        if let raw = value(Variable.pcLogin) {
            guard let mode = PCLoginMode(rawValue: raw.lowercased()) else {
                throw EnvironmentError(description: "\(Variable.pcLogin) must be website, official-account or both")
            }
            configuration.pcLogin = mode
        }
        if let name = value(Variable.officialAccountName) {
            guard name.count <= 64 else {
                throw EnvironmentError(description: "\(Variable.officialAccountName) must be at most 64 characters")
            }
            configuration.officialAccountName = name
        }
        if let raw = value(Variable.followLoginEmbedOrigins) {
            configuration.followLoginEmbedOrigins = try FollowLoginEmbed.parseOrigins(raw)
        }
        guard configuration.pcLogin.offersFollowLogin, !configuration.sandboxMode else { return }
        guard configuration.officialAccount != nil, configuration.messageServer != nil else {
            throw EnvironmentError(description: "\(Variable.pcLogin)=\(configuration.pcLogin.rawValue) needs the official account (\(Variable.officialAccountAppID), \(Variable.officialAccountSecret)) and its server endpoint (\(Variable.serverToken)): the scan arrives as a push to /wechat/events")
        }
        if configuration.pcLogin == .both, configuration.website == nil {
            throw EnvironmentError(description: "\(Variable.pcLogin)=both needs the website app (\(Variable.websiteAppID), \(Variable.websiteSecret)); use official-account without it")
        }
    }

    /// The template-message worker's settings.
    static func messageQueue(_ value: (String) -> String?) throws -> MessageQueueConfiguration {
        var queue = MessageQueueConfiguration()
        switch value(Variable.messageWorker)?.lowercased() {
        case nil, "on", "true", "1": queue.workerEnabled = true
        case "off", "false", "0": queue.workerEnabled = false
        default: throw EnvironmentError(description: "\(Variable.messageWorker) must be on or off")
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let raw = value(name) else { return nil }
            guard let number = Int(raw), range.contains(number) else {
                throw EnvironmentError(description: "\(name) must be a whole number in \(range.lowerBound)…\(range.upperBound)")
            }
            return number
        }
        if let concurrency = try integer(Variable.messageWorkerConcurrency, 1...256) { queue.concurrency = concurrency }
        if let lease = try integer(Variable.messageClaimLease, 5...540) { queue.claimLease = TimeInterval(lease) }
        if let poll = try integer(Variable.messagePollInterval, 10...60_000) { queue.pollInterval = Double(poll) / 1000 }
        return queue
    }

    /// `MIGRATE_ON_START`: on (default) or off.
    static func migrateOnStart(_ value: (String) -> String?) throws -> Bool {
        switch value(Variable.migrateOnStart)?.lowercased() {
        case nil, "on", "true", "1": return true
        case "off", "false", "0": return false
        default: throw EnvironmentError(description: "\(Variable.migrateOnStart) must be on (migrate at start, under the migration lock) or off (refuse to start while migrations are pending; run `wechat-login migrate`)")
        }
    }

    /// The database alone (`DATABASE_URL`, or serve's default SQLite file), for `wechat-login migrate`.
    public static func database(fromEnvironment environment: [String: String]) throws -> DatabaseLocation {
        guard let url = environment[Variable.databaseURL]?.trimmingCharacters(in: .whitespacesAndNewlines),
              !url.isEmpty else { return .sqliteFile("wechat-login.sqlite") }  // serve's default
        return try parseDatabase(url)
    }

    /// The request rate limits: `RATE_LIMITS` on (default) or off, and `RATE_LIMITS_PER_MINUTE` overriding some
    /// classes' allowance, e.g. `login=600,admin=20000`.
    static func rateLimits(_ value: (String) -> String?) throws -> RateLimits {
        var limits = RateLimits()
        switch value(Variable.rateLimits)?.lowercased() {
        case nil, "on", "true", "1": limits.enabled = true
        case "off", "false", "0": limits.enabled = false
        default: throw EnvironmentError(description: "\(Variable.rateLimits) must be on or off")
        }
        let classes = RateLimitedRoute.allCases.map(\.rawValue).joined(separator: ", ")
        for entry in (value(Variable.rateLimitsPerMinute) ?? "").split(separator: ",") {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let route = RateLimitedRoute(rawValue: parts[0].lowercased()) else {
                throw EnvironmentError(description: "\(Variable.rateLimitsPerMinute) must list CLASS=N, comma-separated, with CLASS one of \(classes) (login=600,admin=20000)")
            }
            guard let perMinute = Int(parts[1]), (1...1_000_000).contains(perMinute) else {
                throw EnvironmentError(description: "\(Variable.rateLimitsPerMinute): \(route.rawValue) must be a whole number of requests per minute in 1…1000000")
            }
            limits[route] = perMinute
        }
        return limits
    }

    /// The `/wechat/events` settings: a Token (and, for compatible/safe mode, an EncodingAESKey) and the official
    /// account they belong to.
    static func messageServer(_ value: (String) -> String?, appID: String?) throws -> MessageServer.Configuration? {
        guard let token = value(Variable.serverToken) else {
            if value(Variable.encodingAESKey) != nil {
                throw EnvironmentError(description: "\(Variable.encodingAESKey) is set but \(Variable.serverToken) is not")
            }
            return nil
        }
        guard let appID else {
            throw EnvironmentError(description: "\(Variable.serverToken) needs \(Variable.officialAccountAppID): pushes belong to the official account")
        }
        func key(_ name: String) throws -> EncodingAESKey? {
            guard let raw = value(name) else { return nil }
            do { return try EncodingAESKey(raw) } catch {
                throw EnvironmentError(description: "\(name) must be the 43-character EncodingAESKey from WeChat's console")
            }
        }
        let current = try key(Variable.encodingAESKey)
        let mode: MessageServer.Configuration.Mode
        switch value(Variable.messageMode)?.lowercased() {
        case nil: mode = current == nil ? .plaintext : .safe
        case "plaintext": mode = .plaintext
        case "compatible": mode = .compatible
        case "safe": mode = .safe
        default: throw EnvironmentError(description: "\(Variable.messageMode) must be plaintext, compatible or safe")
        }
        if mode != .plaintext, current == nil {
            throw EnvironmentError(description: "\(Variable.messageMode)=\(mode) needs \(Variable.encodingAESKey)")
        }
        return MessageServer.Configuration(
            token: token, appID: appID, mode: mode, encodingAESKey: current,
            previousEncodingAESKey: try key(Variable.previousEncodingAESKey))
    }

    static func parseKey(_ raw: String, variable: String) throws -> TokenKey {
        let parts = raw.split(separator: ":", maxSplits: 1)
        let (id, encoded) = parts.count == 2 ? (String(parts[0]), String(parts[1])) : ("k1", raw)
        guard let bytes = Data(base64Encoded: encoded), bytes.count == 32 else {
            throw EnvironmentError(description: "\(variable) must be base64 of exactly 32 bytes")
        }
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw EnvironmentError(description: "\(variable): a key id may hold letters, digits, - and _ only")
        }
        return TokenKey(id: id, key: SymmetricKey(data: bytes))
    }

    static func parseDatabase(_ url: String) throws -> DatabaseLocation {
        if url == "sqlite::memory:" { return .sqliteMemory }
        if url.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            while path.hasPrefix("//") { path.removeFirst() }
            guard !path.isEmpty else { throw EnvironmentError(description: "DATABASE_URL: sqlite: needs a file path") }
            return .sqliteFile(path)
        }
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") { return .postgres(url) }
        throw EnvironmentError(description: "DATABASE_URL must be sqlite:PATH, sqlite::memory: or postgres://…")
    }

    private static func credentials(_ appID: String?, _ secret: String?, names: (String, String)) throws -> AppCredentials? {
        switch (appID, secret) {
        case (nil, nil): return nil
        case (let appID?, let secret?): return AppCredentials(appID: appID, secret: secret)
        case (nil, _): throw EnvironmentError(description: "\(names.1) is set but \(names.0) is not")
        case (_, nil): throw EnvironmentError(description: "\(names.0) is set but \(names.1) is not")
        }
    }
}
