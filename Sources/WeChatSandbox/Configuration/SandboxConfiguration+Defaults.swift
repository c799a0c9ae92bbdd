import Foundation

extension SandboxConfiguration {
    /// The default official account id.
    public static let defaultOfficialAccountID = "wx5a1c9e0b3d7f2468"
    /// The default website app id.
    public static let defaultWebsiteAppID = "wx8e2f4a6c0b1d3e5f"
    /// The default test account id.
    public static let defaultTestAccountID = "wx0c7e9a1b3d5f7e9a"
    /// The Open Platform account joining the default official account and website app.
    public static let defaultOpenPlatformID = "sandbox-open-platform"

    /// The default apps: one official account, one website app (same Open Platform account), one test account.
    public static let defaultApps: [App] = [
        App(
            appID: defaultOfficialAccountID, secret: "3f6c2a9e8b1d4f7a0c5e9b2d6a8f1c3e",
            kind: .officialAccount, name: "沙盒服务号", originalID: "gh_5a1c9e0b3d7f",
            openPlatformID: defaultOpenPlatformID, webAuthDomain: "localhost",
            token: "sandboxtoken", encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            encryptionMode: .safe, templates: defaultTemplates
        ),
        App(
            appID: defaultWebsiteAppID, secret: "9b7d5f3a1c8e6b4d2f0a9c7e5b3d1f8a",
            kind: .website, name: "沙盒网站", openPlatformID: defaultOpenPlatformID, callbackDomain: "localhost"
        ),
        App(
            appID: defaultTestAccountID, secret: "5d3b1f9e7c5a3e1b9d7f5c3a1e9b7d5f",
            kind: .testAccount, name: "沙盒测试号", originalID: "gh_0c7e9a1b3d5f", webAuthDomain: "localhost",
            token: "sandboxtoken", encodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            encryptionMode: .plaintext, templates: defaultTemplates
        ),
    ]

    /// The default templates of the official account and the test account.
    public static let defaultTemplates: [Template] = [
        Template(
            id: "ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY", title: "订单状态更新",
            content: "{{first.DATA}}\n订单号：{{keyword1.DATA}}\n状态：{{keyword2.DATA}}\n{{remark.DATA}}"
        ),
        Template(
            id: "Lg3d9k2Qw8XbV1mN5pR7sT0uY4zA6cE2fH8jK1oB3qD", title: "登录提醒",
            content: "{{first.DATA}}\n登录时间：{{keyword1.DATA}}\n登录地点：{{keyword2.DATA}}\n{{remark.DATA}}"
        ),
        Template(
            id: "Zc7Vb5Nm3Qa1Ws9Ed7Rf5Tg3Yh1Uj9Ik7Ol5Pz3Xc1V", title: "购买成功（类目模板）",
            content: "商品：{{thing1.DATA}}\n订单号：{{character_string2.DATA}}\n联系电话：{{phone_number3.DATA}}"
        ),
    ]

    /// The default users `u1`, `u2`, `u3`.
    public static let defaultUsers: [User] = [
        User(id: "u1", nickname: "张三", follows: [defaultOfficialAccountID, defaultTestAccountID]),
        User(
            id: "u2", nickname: "李四", privilege: ["chinaunicom"], follows: [defaultOfficialAccountID],
            refusesMessagesFrom: [defaultOfficialAccountID]
        ),
        User(id: "u3", nickname: "王五"),
    ]
}
