import Foundation

/// The `cgi-bin/user/info` body: follower and non-follower shapes.
struct FollowerInfo: Sendable, Codable {
    let subscribe: Int
    let openid: String
    var nickname: String?
    var sex: Int?
    var language: String?
    var city: String?
    var province: String?
    var country: String?
    var headimgurl: String?
    var subscribe_time: Int?
    var unionid: String?
    var remark: String?
    var groupid: Int?
    var tagid_list: [Int]?
    var subscribe_scene: String?
    var qr_scene: Int?
    var qr_scene_str: String?
}

extension SandboxState {
    /// The follow record of (app, user), if any.
    func followRecord(appID: String, userID: String) -> FollowRecord? {
        follows[Self.key(appID, userID)]
    }

    /// Sets follow state; returns whether it changed (a subscribe/unsubscribe push is due).
    func setFollowing(_ following: Bool, appID: String, userID: String, now: Date) -> Bool {
        let key = Self.key(appID, userID)
        var record = follows[key] ?? FollowRecord(subscribed: false, subscribeTime: now, blocked: false, refusesMessages: false)
        guard record.subscribed != following else { return false }
        record.subscribed = following
        if following { record.subscribeTime = now; record.qrScene = nil }
        follows[key] = record
        return true
    }

    /// Sets the blacklist, refuse-messages and system-failure flags of (app, user).
    func setFlags(appID: String, userID: String, blocked: Bool?, refusesMessages: Bool?, systemFails: Bool?, now: Date) {
        let key = Self.key(appID, userID)
        var record = follows[key] ?? FollowRecord(subscribed: false, subscribeTime: now, blocked: false, refusesMessages: false)
        if let blocked { record.blocked = blocked }
        if let refusesMessages { record.refusesMessages = refusesMessages }
        if let systemFails { record.systemFails = systemFails }
        follows[key] = record
    }

    /// `cgi-bin/user/info` after the token check.
    func followerInfo(app: SandboxConfiguration.App, openID: String) throws(WeChatAPIError) -> FollowerInfo {
        guard let owner = openIDIndex[openID], owner.appID == app.appID else { throw .invalidOpenID }
        guard let record = follows[Self.key(app.appID, owner.userID)], record.subscribed else {
            return FollowerInfo(subscribe: 0, openid: openID, tagid_list: [])
        }
        var info = FollowerInfo(subscribe: 1, openid: openID)
        info.nickname = ""; info.sex = 0; info.language = "zh_CN"; info.city = ""; info.province = ""
        info.country = ""; info.headimgurl = ""; info.subscribe_time = Int(record.subscribeTime.timeIntervalSince1970)
        info.unionid = unionID(userID: owner.userID, appID: app.appID)
        info.remark = ""; info.groupid = 0; info.tagid_list = []; info.subscribe_scene = "ADD_SCENE_QR_CODE"
        switch record.qrScene {
        case .id(let id): info.qr_scene = Int(id); info.qr_scene_str = ""
        case .string(let string): info.qr_scene = 0; info.qr_scene_str = string
        case nil: info.qr_scene = 0; info.qr_scene_str = ""
        }
        return info
    }

    /// Users in seeding/creation order.
    func allUsers() -> [SandboxConfiguration.User] {
        userOrder.compactMap { users[$0] }
    }

    func userCount() -> Int { userOrder.count }

    /// Adds `user` unless a user with its id exists (checked and added in one step); whether it was added.
    func addNewUser(_ user: SandboxConfiguration.User, at now: Date) -> Bool {
        guard users[user.id] == nil else { return false }
        addUser(user, at: now)
        return true
    }

    /// Apps in seeding order.
    func allApps() -> [SandboxConfiguration.App] {
        appOrder.compactMap { apps[$0] }
    }

    /// Replaces an app's configuration (control API PATCH).
    func updateApp(_ app: SandboxConfiguration.App) {
        apps[app.appID] = app
    }

    /// Messages a user received, newest last.
    func messages(userID: String) -> [ReceivedMessage] {
        inbox[userID]?.map(\.message) ?? []
    }
}
