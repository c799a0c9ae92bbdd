import Foundation

/// All mutable state of the sandbox world. Methods take `now` from the caller's `SandboxClock` read, so each
/// call is one atomic step of the actor.
actor SandboxState {
    let configuration: SandboxConfiguration
    var apps: [String: SandboxConfiguration.App]
    var appOrder: [String]
    var users: [String: SandboxConfiguration.User]
    var userOrder: [String]
    var openIDIndex: [String: (appID: String, userID: String)]
    var follows: [String: FollowRecord]
    var consents: Set<String> = []
    var codes: [String: CodeRecord] = [:]
    /// The size of `codes` at which the next purge runs (see `purgeThreshold`).
    var nextCodePurge = SandboxState.purgeThreshold
    var grants: [Int: SnsGrant] = [:]
    var grantByAccess: [String: Int] = [:]
    var grantByRefresh: [String: Int] = [:]
    var retiredAccessTokens: Set<String> = []
    var passwordChanges: [String: Date] = [:]
    var nextGrantID = 0
    var serverTokens: [String: ServerTokenRecord] = [:]
    var currentServerToken: [String: String] = [:]
    var lastForcedRefresh: [String: Date] = [:]
    var quotaUsage: [String: Int] = [:]
    var minuteUsage: [String: Int] = [:]
    var minuteUsageMinute = Int.min
    var counters: [String: Int] = [:]
    /// Each phone's template messages, oldest first (bounded by `trimInboxes`).
    var inbox: [String: [InboxEntry]] = [:]
    /// The messages in all inboxes, and the sequence number of the next one.
    var inboxCount = 0
    var nextInboxSequence = 0
    var dedup: [DedupKey: DedupEntry] = [:]
    var qrSessions: [String: QRSession] = [:]
    /// The size of `qrSessions` at which the next purge runs.
    var nextQRPurge = SandboxState.purgeThreshold
    var qrWaiters: [String: [UUID: CheckedContinuation<Void, Never>]] = [:]
    var cancelledWaiters: Set<UUID> = []
    var faults: [FaultRule] = []
    /// Parametric QR codes by ticket, and the ticket of each scan path and of each permanent (app, scene).
    var parametricQRCodes: [String: ParametricQRCode] = [:]
    var parametricQRPaths: [String: String] = [:]
    var permanentQRTickets: [String: String] = [:]
    var permanentQRCounts: [String: Int] = [:]
    /// The size of `parametricQRCodes` at which the next purge of expired temporary codes runs.
    var nextParametricQRPurge = SandboxState.purgeThreshold
    /// The newest pushes, oldest first: at least `pushHistory` of them, at most twice that (see `recordPush`).
    var pushes: [PushRecord] = []
    /// Pushes dropped from the front of `pushes`: push `id` is at `pushes[id - 1 - droppedPushes]`.
    var droppedPushes = 0
    /// The size of `dedup` at which the next purge of expired client_msg_id entries runs.
    var nextDedupPurge = SandboxState.purgeThreshold
    /// The size of `grants` at which the next purge of grants past their refresh token's life runs.
    var nextGrantPurge = SandboxState.purgeThreshold
    /// The size of `serverTokens` at which the next purge of expired server tokens runs.
    var nextServerTokenPurge = SandboxState.purgeThreshold
    /// Each (app, user) chat on the simulated phone: what the user sent and the account's passive replies.
    var chats: [String: [ChatEntry]] = [:]

    init(configuration: SandboxConfiguration) {
        self.configuration = configuration
        let seed = Self.seed(configuration)
        apps = seed.apps; appOrder = seed.appOrder; users = seed.users; userOrder = seed.userOrder
        openIDIndex = seed.openIDIndex; follows = seed.follows
    }

    /// The seeded part of the world.
    struct Seed {
        var apps: [String: SandboxConfiguration.App] = [:]
        var appOrder: [String] = []
        var users: [String: SandboxConfiguration.User] = [:]
        var userOrder: [String] = []
        var openIDIndex: [String: (appID: String, userID: String)] = [:]
        var follows: [String: FollowRecord] = [:]

        mutating func add(_ user: SandboxConfiguration.User, identitySeed: String, at now: Date) {
            if users[user.id] == nil { userOrder.append(user.id) }
            users[user.id] = user
            for appID in appOrder {
                openIDIndex[SandboxState.openID(seed: identitySeed, userID: user.id, appID: appID)] = (appID, user.id)
                let related = user.follows.contains(appID) || user.blockedBy.contains(appID)
                    || user.refusesMessagesFrom.contains(appID) || user.systemFailsFrom.contains(appID)
                guard related else { continue }
                follows[SandboxState.key(appID, user.id)] = FollowRecord(
                    subscribed: user.follows.contains(appID), subscribeTime: now,
                    blocked: user.blockedBy.contains(appID), refusesMessages: user.refusesMessagesFrom.contains(appID),
                    systemFails: user.systemFailsFrom.contains(appID))
            }
        }
    }

    static func seed(_ configuration: SandboxConfiguration) -> Seed {
        var seed = Seed()
        for app in configuration.apps {
            seed.apps[app.appID] = app
            seed.appOrder.append(app.appID)
        }
        for user in configuration.users {
            seed.add(user, identitySeed: configuration.identitySeed, at: Date(timeIntervalSince1970: 1_700_000_000))
        }
        return seed
    }

    /// Restores the seeded world (faults, counters and state cleared).
    func reset() {
        let seed = Self.seed(configuration)
        apps = seed.apps; appOrder = seed.appOrder; users = seed.users; userOrder = seed.userOrder
        openIDIndex = seed.openIDIndex; follows = seed.follows
        consents = []; codes = [:]; grants = [:]; grantByAccess = [:]; grantByRefresh = [:]
        retiredAccessTokens = []; passwordChanges = [:]; serverTokens = [:]; currentServerToken = [:]; lastForcedRefresh = [:]
        quotaUsage = [:]; minuteUsage = [:]; minuteUsageMinute = .min; counters = [:]; inbox = [:]; inboxCount = 0; dedup = [:]; faults = []; pushes = []; droppedPushes = 0; chats = [:]
        nextDedupPurge = Self.purgeThreshold; nextGrantPurge = Self.purgeThreshold; nextServerTokenPurge = Self.purgeThreshold
        wakeAllWaiters()
        qrSessions = [:]
        parametricQRCodes = [:]; parametricQRPaths = [:]; permanentQRTickets = [:]; permanentQRCounts = [:]
        nextParametricQRPurge = Self.purgeThreshold
    }

    /// Adds (or replaces) a user, deriving openids for every app.
    func addUser(_ user: SandboxConfiguration.User, at now: Date) {
        var seed = Seed(
            apps: apps, appOrder: appOrder, users: users, userOrder: userOrder, openIDIndex: openIDIndex, follows: follows)
        // Drop this actor's references first, so the seed's tables are unique and grow in place: otherwise every
        // new user copied every table (the benchmark's thousands of users made that quadratic).
        users = [:]; userOrder = []; openIDIndex = [:]; follows = [:]
        seed.add(user, identitySeed: configuration.identitySeed, at: now)
        users = seed.users; userOrder = seed.userOrder; openIDIndex = seed.openIDIndex; follows = seed.follows
    }

    static func openID(seed: String, userID: String, appID: String) -> String {
        Identifiers.derived(seed: seed, "openid", appID, userID)
    }

    nonisolated func openID(userID: String, appID: String) -> String {
        Self.openID(seed: configuration.identitySeed, userID: userID, appID: appID)
    }

    func unionID(userID: String, appID: String) -> String? {
        guard let platform = apps[appID]?.openPlatformID else { return nil }
        return Identifiers.derived(seed: configuration.identitySeed, "unionid", platform, userID)
    }

    /// Table size at which expired codes and QR sessions are dropped. After a purge the next one waits until the
    /// table has doubled from what was left: with many live entries, a purge on every insert that removed nothing
    /// made each insert cost the table's size (the benchmark's soak slowed threefold in four minutes).
    static let purgeThreshold = 10_000

    /// When the next purge of a table that now holds `remaining` entries should run.
    static func nextPurge(after remaining: Int) -> Int { max(purgeThreshold, remaining * 2) }

    static func key(_ parts: String...) -> String {
        parts.joined(separator: "|")
    }

    /// The day number in Asia/Shanghai (UTC+8), for daily quotas.
    static func day(_ now: Date) -> Int {
        Int(((now.timeIntervalSince1970 + 8 * 3600) / 86400).rounded(.down))
    }

    /// Counts one use of a daily quota; false when the quota is already used up.
    func consumeQuota(_ name: String, appID: String, limit: Int, now: Date) -> Bool {
        let key = Self.key(name, appID, String(Self.day(now)))
        let used = quotaUsage[key, default: 0]
        guard used < limit else { return false }
        quotaUsage[key] = used + 1
        return true
    }

    /// Counts one call against a per-minute quota of (endpoint, app); false when this sandbox-clock minute is used
    /// up. Only the current minute's counts are kept.
    func consumeMinuteQuota(_ name: String, appID: String, limit: Int, now: Date) -> Bool {
        let minute = Int((now.timeIntervalSince1970 / 60).rounded(.down))
        if minute != minuteUsageMinute {
            minuteUsage = [:]
            minuteUsageMinute = minute
        }
        let key = Self.key(name, appID)
        let used = minuteUsage[key, default: 0]
        guard used < limit else { return false }
        minuteUsage[key] = used + 1
        return true
    }

    func count(_ endpoint: String) {
        counters[endpoint, default: 0] += 1
    }

    func resetCounters() {
        counters = [:]
    }
}
