import Foundation
import Testing
@testable import LoginServer

/// `PC_LOGIN` and `WECHAT_OA_NAME`: read at the edge, refused with a message naming what is missing.
@Suite struct FollowLoginSettingsTests {
    static let key = Data(repeating: 7, count: 32).base64EncodedString()
    static let production = [
        "WECHAT_OA_APPID": "wx00000000000000aa", "WECHAT_OA_SECRET": "s", "TOKEN_ENCRYPTION_KEY": key,
        "CODE_WEBHOOK_URL": "https://sms.example.com/send", "WECHAT_SERVER_TOKEN": "pamtest",
        "PUBLIC_URL": "https://login.example.com",
    ]

    @Test func theDefaultKeepsTheWebsiteAppAndTheSettingIsRead() throws {
        #expect(try LoginServerConfiguration.fromEnvironment(Self.production, sandbox: false).pcLogin == .website)
        #expect(try LoginServerConfiguration.fromEnvironment([:], sandbox: true).pcLogin == .website)
        var env = Self.production
        env["PC_LOGIN"] = "Official-Account"
        env["WECHAT_OA_NAME"] = " 示例商城 "
        let configuration = try LoginServerConfiguration.fromEnvironment(env, sandbox: false)
        #expect(configuration.pcLogin == .officialAccount)
        #expect(configuration.officialAccountName == "示例商城")
        env["PC_LOGIN"] = "both"
        env["WECHAT_WEB_APPID"] = "wx00000000000000bb"
        env["WECHAT_WEB_SECRET"] = "t"
        #expect(try LoginServerConfiguration.fromEnvironment(env, sandbox: false).pcLogin == .both)
    }

    @Test(arguments: [
        ("PC_LOGIN", "qr", nil as String?), ("PC_LOGIN", "official-account", "WECHAT_SERVER_TOKEN"),
        ("PC_LOGIN", "official-account", "WECHAT_OA_APPID"), ("PC_LOGIN", "both", nil),
        ("WECHAT_OA_NAME", String(repeating: "名", count: 65), nil),
    ])
    func badOrIncompleteSettingsAreRefused(_ name: String, _ value: String, _ removed: String?) throws {
        var env = Self.production
        env[name] = value
        if let removed { env[removed] = nil }
        if removed == "WECHAT_OA_APPID" { env["WECHAT_OA_SECRET"] = nil; env["WECHAT_SERVER_TOKEN"] = nil }
        let error = #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            try LoginServerConfiguration.fromEnvironment(env, sandbox: false)
        }
        #expect(error?.description.contains(name) == true, "\(error?.description ?? "")")
    }
}
