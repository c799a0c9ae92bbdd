import Foundation
import Testing
import WeChatKit
@testable import LoginServer

/// `WECHAT_RELAY_…`: the relay's settings, their defaults (the account's own Token, key and mode), and the errors
/// that name a variable but never a secret.
struct RelayConfigurationTests {
    static let base = [
        "WECHAT_OA_APPID": "wx00000000000000aa", "WECHAT_OA_SECRET": "s",
        "TOKEN_ENCRYPTION_KEY": "k1:" + Data(repeating: 7, count: 32).base64EncodedString(),
        "CODE_WEBHOOK_URL": "https://sms.example.com/send", "PUBLIC_URL": "https://login.example.com",
        "WECHAT_SERVER_TOKEN": "accounttoken", "WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
    ]

    /// Whether two keys are the same key (they hide their bytes): what one encrypts, the other decrypts.
    static func same(_ lhs: EncodingAESKey?, _ rhs: EncodingAESKey?) throws -> Bool {
        guard let lhs, let rhs else { return false }
        let sealed = try MessageCrypto(token: "t", appID: "wx1", key: lhs).encrypt("<xml/>", timestamp: "1", nonce: "n")
        return (try? MessageCrypto(token: "t", appID: "wx1", key: rhs).decrypt(
            encrypt: sealed.encrypt, msgSignature: sealed.msgSignature, timestamp: "1", nonce: "n")) != nil
    }

    func read(_ extra: [String: String]) throws -> LoginServerConfiguration {
        try LoginServerConfiguration.fromEnvironment(Self.base.merging(extra) { $1 }, sandbox: false)
    }

    @Test func noURLMeansNoRelayAndTheDefaultsAreTheAccountsOwn() throws {
        #expect(try read([:]).relay == nil)
        let configuration = try read(["WECHAT_RELAY_URL": "http://10.0.0.5:8000/wechat"])
        let relay = try #require(configuration.relay)
        #expect(relay.timeout == .seconds(4) && !relay.forwardConsumed)
        let handler = relay.handlerServer(account: try #require(configuration.messageServer))
        #expect(handler.token == "accounttoken" && handler.mode == .safe)
        #expect(try Self.same(handler.encodingAESKey, configuration.messageServer?.encodingAESKey))
    }

    @Test func readsTheHandlersOwnSettings() throws {
        let configuration = try read([
            "WECHAT_RELAY_URL": "https://bot.example.com/wechat", "WECHAT_RELAY_TOKEN": "handlertoken",
            "WECHAT_RELAY_ENCODING_AES_KEY": "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut",
            "WECHAT_RELAY_CONSUMED": "on", "WECHAT_RELAY_TIMEOUT_MS": "2500",
        ])
        let relay = try #require(configuration.relay)
        #expect(relay.forwardConsumed && relay.timeout == .milliseconds(2500))
        let handler = relay.handlerServer(account: try #require(configuration.messageServer))
        #expect(handler.token == "handlertoken" && handler.mode == .safe && handler.previousEncodingAESKey == nil)
        #expect(try Self.same(handler.encodingAESKey, EncodingAESKey("ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut")))
        #expect(try !Self.same(handler.encodingAESKey, configuration.messageServer?.encodingAESKey))
        let plain = try read(["WECHAT_RELAY_URL": "https://bot.example.com/wechat", "WECHAT_RELAY_MESSAGE_MODE": "plaintext"])
        #expect(plain.relay.map { $0.handlerServer(account: plain.messageServer!).mode } == .plaintext)
    }

    @Test(arguments: [
        ["WECHAT_RELAY_URL": "ftp://bot.example.com/"],
        ["WECHAT_RELAY_URL": "not a url"],
        ["WECHAT_RELAY_URL": "https://bot.example.com/", "WECHAT_RELAY_TIMEOUT_MS": "5000"],
        ["WECHAT_RELAY_URL": "https://bot.example.com/", "WECHAT_RELAY_TIMEOUT_MS": "fast"],
        ["WECHAT_RELAY_URL": "https://bot.example.com/", "WECHAT_RELAY_CONSUMED": "maybe"],
        ["WECHAT_RELAY_URL": "https://bot.example.com/", "WECHAT_RELAY_MESSAGE_MODE": "secure"],
        ["WECHAT_RELAY_URL": "https://bot.example.com/", "WECHAT_RELAY_ENCODING_AES_KEY": "secret-but-too-short"],
        ["WECHAT_RELAY_TOKEN": "secret-token-without-url"],
    ])
    func badSettingsNameTheVariableButNotTheValue(_ extra: [String: String]) {
        do {
            _ = try read(extra)
            Issue.record("expected an error for \(extra.keys.sorted())")
        } catch {
            #expect("\(error)".contains("WECHAT_RELAY_"))
            #expect(!"\(error)".contains("secret"))
        }
    }

    @Test func aRelayNeedsTheServerEndpointAndAKeyForSafeMode() {
        var env = Self.base.merging(["WECHAT_RELAY_URL": "https://bot.example.com/wechat"]) { $1 }
        env["WECHAT_SERVER_TOKEN"] = nil
        env["WECHAT_ENCODING_AES_KEY"] = nil
        #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            try LoginServerConfiguration.fromEnvironment(env, sandbox: false)
        }
        env["WECHAT_SERVER_TOKEN"] = "accounttoken"
        env["WECHAT_RELAY_MESSAGE_MODE"] = "safe"
        #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            try LoginServerConfiguration.fromEnvironment(env, sandbox: false)
        }
    }
}
