import Foundation
import Testing
import WeChatKit
@testable import LoginServer

@Suite struct EnvironmentTests {
    let key = Data(repeating: 7, count: 32).base64EncodedString()

    @Test func noCredentialsMeansSandbox() throws {
        #expect(try LoginServerConfiguration.runMode(environment: [:], hostname: "127.0.0.1", sandboxFlag: false) == .sandbox)
        #expect(try LoginServerConfiguration.runMode(
            environment: ["WECHAT_WEB_APPID": "wx0123456789abcdef"], hostname: "127.0.0.1", sandboxFlag: false) == .weChat)
        let configuration = try LoginServerConfiguration.fromEnvironment([:], sandbox: true)
        #expect(configuration.sandboxMode)
        #expect(configuration.codeDelivery == .developmentOutbox)
    }

    @Test func productionNeedsAKeyAndAGateway() {
        let env = ["WECHAT_WEB_APPID": "wx0123456789abcdef", "WECHAT_WEB_SECRET": "s3cr3t-value"]
        #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            try LoginServerConfiguration.fromEnvironment(env, sandbox: false)
        }
        var withKey = env
        withKey["TOKEN_ENCRYPTION_KEY"] = key
        #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            try LoginServerConfiguration.fromEnvironment(withKey, sandbox: false)
        }
    }

    @Test func readsEverySetting() throws {
        let env = [
            "WECHAT_OA_APPID": "wx00000000000000aa", "WECHAT_OA_SECRET": "oa-secret",
            "WECHAT_WEB_APPID": "wx00000000000000bb", "WECHAT_WEB_SECRET": "web-secret",
            "PUBLIC_URL": "https://login.example.com/", "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/db",
            "TOKEN_ENCRYPTION_KEY": "2026-11:\(key)", "TOKEN_ENCRYPTION_PREVIOUS_KEYS": "k1:\(key)",
            "CODE_WEBHOOK_URL": "https://sms.example.com/send",
        ]
        let configuration = try LoginServerConfiguration.fromEnvironment(env, sandbox: false)
        #expect(configuration.officialAccount?.appID == "wx00000000000000aa")
        #expect(configuration.website?.secret == "web-secret")
        #expect(configuration.publicURL == "https://login.example.com")
        #expect(configuration.callbackURL == "https://login.example.com/auth/wechat/callback")
        #expect(configuration.publicHost == "login.example.com")
        #expect(configuration.isHTTPS)
        #expect(configuration.database == .postgres("postgres://u:p@127.0.0.1:5432/db"))
        #expect(configuration.tokenKey.id == "2026-11")
        #expect(configuration.previousTokenKeys.map(\.id) == ["k1"])
        #expect(configuration.codeDelivery == .webhook(URL(string: "https://sms.example.com/send")!))
    }

    @Test func readsTheAccessTokenModeAndThePreviousEncodingAESKey() throws {
        var env = [
            "WECHAT_OA_APPID": "wx00000000000000aa", "WECHAT_OA_SECRET": "s", "WECHAT_SERVER_TOKEN": "pamtest",
            "WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            "WECHAT_PREVIOUS_ENCODING_AES_KEY": "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR",
        ]
        for (raw, mode) in [("stable", AccessTokenProvider.Mode.stable), ("CLASSIC", .classic)] {
            env["WECHAT_ACCESS_TOKEN_MODE"] = raw
            let configuration = try LoginServerConfiguration.fromEnvironment(env, sandbox: true)
            #expect(configuration.accessTokenMode == mode)
            #expect(configuration.messageServer?.previousEncodingAESKey != nil)
        }
        env["WECHAT_ACCESS_TOKEN_MODE"] = nil
        #expect(try LoginServerConfiguration.fromEnvironment(env, sandbox: true).accessTokenMode == .classic)
        for (name, bad) in [("WECHAT_ACCESS_TOKEN_MODE", "fast"), ("WECHAT_PREVIOUS_ENCODING_AES_KEY", "short")] {
            var broken = env
            broken[name] = bad
            #expect(throws: LoginServerConfiguration.EnvironmentError.self, "\(name)") {
                try LoginServerConfiguration.fromEnvironment(broken, sandbox: true)
            }
        }
    }

    @Test func productionNeedsAPublicURLAndDistinctKeyIDs() throws {
        let env = [
            "WECHAT_WEB_APPID": "wx0123456789abcdef", "WECHAT_WEB_SECRET": "s3cr3t-value",
            "TOKEN_ENCRYPTION_KEY": "k2:\(key)", "CODE_WEBHOOK_URL": "https://sms.example.com/send",
        ]
        #expect(throws: LoginServerConfiguration.EnvironmentError.self, "no PUBLIC_URL") {
            try LoginServerConfiguration.fromEnvironment(env, sandbox: false)
        }
        var complete = env
        complete["PUBLIC_URL"] = "https://login.example.com"
        complete["TOKEN_ENCRYPTION_PREVIOUS_KEYS"] = " k1:\(key) , k0:\(key) "
        let configuration = try LoginServerConfiguration.fromEnvironment(complete, sandbox: false)
        #expect(configuration.previousTokenKeys.map(\.id) == ["k1", "k0"], "entries are trimmed")
        complete["TOKEN_ENCRYPTION_PREVIOUS_KEYS"] = "k2:\(key)"
        #expect(throws: LoginServerConfiguration.EnvironmentError.self, "a previous key with the current key's id") {
            try LoginServerConfiguration.fromEnvironment(complete, sandbox: false)
        }
    }

    @Test func readsTheMessageQueueMetricsAndEndpointSettings() throws {
        let configuration = try LoginServerConfiguration.fromEnvironment([
            "MESSAGE_WORKER": "off", "MESSAGE_WORKER_CONCURRENCY": "32", "MESSAGE_CLAIM_LEASE_SECONDS": "30",
            "MESSAGE_POLL_INTERVAL_MS": "250", "METRICS_TOKEN": "metrics-token-0123456789abcdef",
            "WECHAT_API_BASE_URL": "http://127.0.0.1:8081/",
        ], sandbox: true)
        #expect(!configuration.messageQueue.workerEnabled)
        #expect(configuration.messageQueue.concurrency == 32)
        #expect(configuration.messageQueue.claimLease == 30)
        #expect(configuration.messageQueue.pollInterval == 0.25)
        #expect(configuration.metricsToken == "metrics-token-0123456789abcdef")
        #expect(configuration.endpoint == .sandbox(baseURL: "http://127.0.0.1:8081"))
        let defaults = try LoginServerConfiguration.fromEnvironment([:], sandbox: true)
        #expect(defaults.messageQueue.workerEnabled && defaults.messageQueue.concurrency == 16)
        #expect(defaults.metricsToken == nil)
        for bad in [["MESSAGE_WORKER": "maybe"], ["MESSAGE_WORKER_CONCURRENCY": "0"], ["MESSAGE_CLAIM_LEASE_SECONDS": "600"],
                    ["MESSAGE_POLL_INTERVAL_MS": "fast"], ["METRICS_TOKEN": "short"], ["WECHAT_API_BASE_URL": "ftp://x"]] {
            #expect(throws: LoginServerConfiguration.EnvironmentError.self, "\(bad)") {
                try LoginServerConfiguration.fromEnvironment(bad, sandbox: true)
            }
        }
    }

    @Test(arguments: ["sqlite::memory:", "sqlite:data/app.sqlite", "sqlite:///var/lib/app.sqlite"])
    func parsesSQLiteURLs(_ url: String) throws {
        let location = try LoginServerConfiguration.parseDatabase(url)
        switch url {
        case "sqlite::memory:": #expect(location == .sqliteMemory)
        case "sqlite:data/app.sqlite": #expect(location == .sqliteFile("data/app.sqlite"))
        default: #expect(location == .sqliteFile("/var/lib/app.sqlite"))
        }
    }

    @Test func errorsNameTheVariableButNotTheValue() {
        let env = ["TOKEN_ENCRYPTION_KEY": "not-base64-secret-material", "WECHAT_WEB_APPID": "wx1", "WECHAT_WEB_SECRET": "s"]
        do {
            _ = try LoginServerConfiguration.fromEnvironment(env, sandbox: false)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("TOKEN_ENCRYPTION_KEY"))
            #expect(!"\(error)".contains("not-base64-secret-material"))
        }
    }

    @Test func readsTheServerEndpointSettings() throws {
        var env = [
            "WECHAT_OA_APPID": "wx00000000000000aa", "WECHAT_OA_SECRET": "s", "TOKEN_ENCRYPTION_KEY": key,
            "CODE_WEBHOOK_URL": "https://sms.example.com/send", "WECHAT_SERVER_TOKEN": "pamtest",
            "PUBLIC_URL": "https://login.example.com",
            "WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
        ]
        let safe = try #require(try LoginServerConfiguration.fromEnvironment(env, sandbox: false).messageServer)
        #expect(safe.mode == .safe && safe.appID == "wx00000000000000aa" && safe.token == "pamtest")
        env["WECHAT_MESSAGE_MODE"] = "compatible"
        #expect(try LoginServerConfiguration.fromEnvironment(env, sandbox: false).messageServer?.mode == .compatible)
        for (name, bad) in [("WECHAT_MESSAGE_MODE", "secure"), ("WECHAT_ENCODING_AES_KEY", "too-short")] {
            var broken = env
            broken[name] = bad
            #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
                try LoginServerConfiguration.fromEnvironment(broken, sandbox: false)
            }
        }
        env["WECHAT_ENCODING_AES_KEY"] = nil
        env["WECHAT_MESSAGE_MODE"] = nil
        #expect(try LoginServerConfiguration.fromEnvironment(env, sandbox: false).messageServer?.mode == .plaintext)
        env["WECHAT_OA_APPID"] = nil
        env["WECHAT_OA_SECRET"] = nil
        env["WECHAT_WEB_APPID"] = "wx00000000000000bb"
        env["WECHAT_WEB_SECRET"] = "s"
        #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            try LoginServerConfiguration.fromEnvironment(env, sandbox: false)
        }
    }
}
