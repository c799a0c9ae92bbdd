import Foundation

extension SandboxConfiguration {
    /// Lifetimes in seconds (spec §13).
    public struct Lifetimes: Sendable, Codable, Equatable {
        /// Official-account OAuth code (`snsapi_base` / `snsapi_userinfo`): 300 s.
        public var officialAccountCode: Double = 300
        /// Website QR login code (`snsapi_login`): 600 s.
        public var websiteCode: Double = 600
        /// `sns` access_token: 7200 s.
        public var snsAccessToken: Double = 7200
        /// `sns` refresh_token: 30 days, never extended.
        public var snsRefreshToken: Double = 30 * 86400
        /// `cgi-bin/token` and `stable_token`: 7200 s.
        public var serverAccessToken: Double = 7200
        /// How long a superseded `cgi-bin/token` stays valid: 300 s.
        public var supersededOverlap: Double = 300
        /// `stable_token` renews in the last 300 s of a token's life.
        public var stableRenewWindow: Double = 300
        /// Minimum spacing of forced stable_token refreshes: 30 s.
        public var stableForceSpacing: Double = 30
        /// QR login session: 300 s.
        public var qrSession: Double = 300
        /// Long-poll hold before answering 408 (real seconds, not sandbox-clock seconds): 25 s.
        public var longPollHold: Double = 25
        /// `client_msg_id` dedup window: 600 s.
        public var clientMsgIDWindow: Double = 600
        /// Pause between push delivery attempts, after an attempt failed or hit its 5 s timeout
        /// (real seconds, not sandbox-clock seconds): 1 s.
        public var pushRetryInterval: Double = 1

        /// Creates the default lifetimes.
        public init() {}

        /// Decodes lifetimes; missing keys take their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Lifetimes()
            func v(_ k: CodingKeys, _ def: Double) throws -> Double { try c.decodeIfPresent(Double.self, forKey: k) ?? def }
            officialAccountCode = try v(.officialAccountCode, d.officialAccountCode)
            websiteCode = try v(.websiteCode, d.websiteCode)
            snsAccessToken = try v(.snsAccessToken, d.snsAccessToken)
            snsRefreshToken = try v(.snsRefreshToken, d.snsRefreshToken)
            serverAccessToken = try v(.serverAccessToken, d.serverAccessToken)
            supersededOverlap = try v(.supersededOverlap, d.supersededOverlap)
            stableRenewWindow = try v(.stableRenewWindow, d.stableRenewWindow)
            stableForceSpacing = try v(.stableForceSpacing, d.stableForceSpacing)
            qrSession = try v(.qrSession, d.qrSession)
            longPollHold = try v(.longPollHold, d.longPollHold)
            clientMsgIDWindow = try v(.clientMsgIDWindow, d.clientMsgIDWindow)
            pushRetryInterval = try v(.pushRetryInterval, d.pushRetryInterval)
        }
    }

    /// Quotas and input limits.
    public struct Limits: Sendable, Codable, Equatable {
        /// `cgi-bin/token` fetches per app per day: 2000.
        public var tokenDailyQuota: Int = 2000
        /// `cgi-bin/token` fetches per test account per day: 200.
        public var testAccountTokenDailyQuota: Int = 200
        /// `stable_token` calls per app per day: 500,000.
        public var stableTokenDailyQuota: Int = 500_000
        /// Forced `stable_token` refreshes per app per day: 20.
        public var stableForceDailyQuota: Int = 20
        /// Template sends per app per day: 100,000.
        public var templateDailyQuota: Int = 100_000
        /// Calls of each `sns` endpoint per app per sandbox-clock minute: 50,000 (then 45011).
        public var snsMinuteQuota: Int = 50_000
        /// `stable_token` calls per app per sandbox-clock minute: 10,000 (then 45011).
        public var stableTokenMinuteQuota: Int = 10_000
        /// Permanent parametric QR codes (distinct scenes) per account: 100,000 (then 40053).
        public var permanentQRCodeLimit: Int = 100_000
        /// Template messages each phone inbox keeps, at least (`GET /sandbox/api/users/{id}/messages`): the newest
        /// 5,000; the oldest that many go at once when twice as many are held. Enough for a test that counts a few
        /// thousand messages to one person; bounded for a benchmark that sends a million.
        public var inboxLength: Int = 5_000
        /// Template messages all phone inboxes keep together, at least: the newest 100,000; the oldest go at once when
        /// twice as many are held. A campaign of a million messages to a few thousand followers would otherwise stay
        /// in the sandbox's memory (about 1 GB) for as long as it runs.
        public var inboxTotal: Int = 100_000
        /// Pushes the control API keeps (`GET /sandbox/api/pushes`), at least: the newest 10,000; the oldest that many
        /// go at once when twice as many are held (ids keep counting).
        public var pushHistory: Int = 10_000
        /// Push delivery attempts in flight at once, across apps: 8 by default (the sandbox's HTTP client keeps at
        /// least this many connections a host). The rest wait their turn, a person's own acts before a campaign's delivery reports, and an attempt's
        /// 5-second timeout starts when it leaves the queue.
        public var pushConcurrency: Int = 8
        /// Largest accepted query value, in bytes.
        public var maxParameterBytes: Int = 2048
        /// Largest accepted request body, in bytes.
        public var maxBodyBytes: Int = 65536

        /// Creates the default limits.
        public init() {}

        /// Decodes limits; missing keys take their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = Limits()
            func v(_ k: CodingKeys, _ def: Int) throws -> Int { try c.decodeIfPresent(Int.self, forKey: k) ?? def }
            tokenDailyQuota = try v(.tokenDailyQuota, d.tokenDailyQuota)
            testAccountTokenDailyQuota = try v(.testAccountTokenDailyQuota, d.testAccountTokenDailyQuota)
            stableTokenDailyQuota = try v(.stableTokenDailyQuota, d.stableTokenDailyQuota)
            stableForceDailyQuota = try v(.stableForceDailyQuota, d.stableForceDailyQuota)
            templateDailyQuota = try v(.templateDailyQuota, d.templateDailyQuota)
            snsMinuteQuota = try v(.snsMinuteQuota, d.snsMinuteQuota)
            stableTokenMinuteQuota = try v(.stableTokenMinuteQuota, d.stableTokenMinuteQuota)
            permanentQRCodeLimit = try v(.permanentQRCodeLimit, d.permanentQRCodeLimit)
            inboxLength = max(1, try v(.inboxLength, d.inboxLength))
            inboxTotal = max(1, try v(.inboxTotal, d.inboxTotal))
            pushHistory = max(1, try v(.pushHistory, d.pushHistory))
            pushConcurrency = max(1, try v(.pushConcurrency, d.pushConcurrency))
            maxParameterBytes = try v(.maxParameterBytes, d.maxParameterBytes)
            maxBodyBytes = try v(.maxBodyBytes, d.maxBodyBytes)
        }
    }

    /// What a stale OAuth code answers.
    public enum StaleCodeAnswer: String, Sendable, Codable {
        /// `40029 invalid code` (what real servers are reported to send; the default).
        case invalidCode
        /// `42003 code expired` (the documented code).
        case codeExpired
    }

    /// Behaviours the spec marks uncertain.
    public struct Choices: Sendable, Codable, Equatable {
        /// Stale code → 40029 (default) or 42003.
        public var staleCode: StaleCodeAnswer = .invalidCode
        /// Whether a snapshot user's token gets 48001 from `sns/userinfo`.
        public var snapshotUserinfoUnauthorized: Bool = true
        /// Whether every app's authorize link answers 请在微信客户端打开链接 to a browser without WeChat's user
        /// agent (real WeChat's behaviour); false (the default) shows the user picker so a desktop can walk the flow.
        /// An app's own `requiresWeChatBrowser` turns it on for that app alone.
        public var requireWeChatBrowser: Bool = false

        /// Creates the default choices.
        public init() {}

        /// Decodes choices; missing keys take their defaults.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            staleCode = try c.decodeIfPresent(StaleCodeAnswer.self, forKey: .staleCode) ?? .invalidCode
            snapshotUserinfoUnauthorized = try c.decodeIfPresent(Bool.self, forKey: .snapshotUserinfoUnauthorized) ?? true
            requireWeChatBrowser = try c.decodeIfPresent(Bool.self, forKey: .requireWeChatBrowser) ?? false
        }
    }
}
