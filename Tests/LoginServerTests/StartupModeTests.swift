import Foundation
import Testing
@testable import LoginServer

/// Sandbox mode is never a surprise: the decision table and its refusals. The runner that acts on it, and where the
/// embedded sandbox listens, are tested with the runner (`WeChatLoginAppTests.RunnerStartupTests`).
@Suite(.serialized) struct StartupModeTests {
    typealias Mode = LoginServerConfiguration.RunMode
    static let credentials = ["WECHAT_WEB_APPID": "wx0123456789abcdef", "WECHAT_WEB_SECRET": "s3cr3t-value"]

    /// One row: the environment, the listening address, `--sandbox`, and the mode (nil: refused).
    struct Row: Sendable, CustomStringConvertible {
        let environment: [String: String]
        let hostname: String
        let flag: Bool
        let expected: Mode?
        var description: String { "\(environment.keys.sorted()) \(hostname) flag=\(flag) → \(expected.map { "\($0)" } ?? "refused")" }
    }

    static let table: [Row] = [
        // No credentials: automatic only on loopback with SQLite and nothing a deployment sets.
        Row(environment: [:], hostname: "127.0.0.1", flag: false, expected: .sandbox),
        Row(environment: [:], hostname: "localhost", flag: false, expected: .sandbox),
        Row(environment: [:], hostname: "::1", flag: false, expected: .sandbox),
        Row(environment: [:], hostname: "127.0.0.2", flag: false, expected: .sandbox),
        Row(environment: ["DATABASE_URL": "sqlite:data/dev.sqlite"], hostname: "127.0.0.1", flag: false, expected: .sandbox),
        Row(environment: ["PUBLIC_URL": "http://127.0.0.1:8080"], hostname: "127.0.0.1", flag: false, expected: .sandbox),
        Row(environment: [:], hostname: "0.0.0.0", flag: false, expected: nil),
        Row(environment: [:], hostname: "::", flag: false, expected: nil),
        Row(environment: [:], hostname: "10.0.1.12", flag: false, expected: nil),
        Row(environment: [:], hostname: "128.0.0.1", flag: false, expected: nil),
        Row(environment: ["DATABASE_URL": "postgres://u:p@db:5432/x"], hostname: "127.0.0.1", flag: false, expected: nil),
        Row(environment: ["PUBLIC_URL": "https://login.example.com"], hostname: "127.0.0.1", flag: false, expected: nil),
        Row(environment: ["TOKEN_ENCRYPTION_KEY": "k1:x"], hostname: "127.0.0.1", flag: false, expected: nil),
        Row(environment: ["CODE_WEBHOOK_URL": "https://sms.example.com"], hostname: "127.0.0.1", flag: false, expected: nil),
        // A misspelled app id next to its secret is a credential: real mode, which then names what is missing.
        Row(environment: ["WECHAT_OA_SECRET": "s"], hostname: "127.0.0.1", flag: false, expected: .weChat),
        // Asked for explicitly.
        Row(environment: [:], hostname: "0.0.0.0", flag: true, expected: .sandbox),
        Row(environment: ["WECHAT_SANDBOX": "on", "DATABASE_URL": "postgres://u:p@db:5432/x"], hostname: "0.0.0.0", flag: false, expected: .sandbox),
        Row(environment: ["WECHAT_SANDBOX": " ON "], hostname: "10.0.1.12", flag: false, expected: .sandbox),
        Row(environment: ["WECHAT_SANDBOX": "off"], hostname: "127.0.0.1", flag: false, expected: nil),
        Row(environment: ["WECHAT_SANDBOX": "off"], hostname: "127.0.0.1", flag: true, expected: nil),
        Row(environment: ["WECHAT_SANDBOX": "maybe"], hostname: "127.0.0.1", flag: false, expected: nil),
        Row(environment: ["WECHAT_SANDBOX": ""], hostname: "127.0.0.1", flag: false, expected: .sandbox),
        // Credentials.
        Row(environment: credentials, hostname: "0.0.0.0", flag: false, expected: .weChat),
        Row(environment: credentials.merging(["WECHAT_SANDBOX": "off"]) { $1 }, hostname: "0.0.0.0", flag: false, expected: .weChat),
        Row(environment: credentials.merging(["WECHAT_SANDBOX": "on"]) { $1 }, hostname: "127.0.0.1", flag: false, expected: nil),
        Row(environment: credentials, hostname: "127.0.0.1", flag: true, expected: nil),
    ]

    @Test(arguments: table) func decidesTheMode(_ row: Row) throws {
        if let expected = row.expected {
            #expect(try LoginServerConfiguration.runMode(environment: row.environment, hostname: row.hostname,
                                                         sandboxFlag: row.flag) == expected)
        } else {
            #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
                try LoginServerConfiguration.runMode(environment: row.environment, hostname: row.hostname,
                                                     sandboxFlag: row.flag)
            }
        }
    }

    @Test func aRefusalListsWhatIsMissingAndHowToAskForTheSandbox() {
        let environment = ["DATABASE_URL": "postgres://wl:db-password@db:5432/x", "PUBLIC_URL": "https://login.example.com"]
        do {
            _ = try LoginServerConfiguration.runMode(environment: environment, hostname: "0.0.0.0", sandboxFlag: false)
            Issue.record("expected a refusal")
        } catch {
            let text = "\(error)"
            for needed in ["WECHAT_OA_APPID", "WECHAT_OA_SECRET", "WECHAT_WEB_APPID", "WECHAT_WEB_SECRET",
                           "TOKEN_ENCRYPTION_KEY", "CODE_WEBHOOK_URL", "WECHAT_SANDBOX=on", "--sandbox", "0.0.0.0",
                           "DATABASE_URL is not SQLite"] {
                #expect(text.contains(needed), "\(needed)")
            }
            #expect(!text.contains("db-password"))
            #expect(!text.contains("Missing: PUBLIC_URL") && !text.contains(", PUBLIC_URL"), "PUBLIC_URL is set")
        }
    }

    @Test func loopbackHosts() {
        for host in ["127.0.0.1", "127.255.0.9", "localhost", "LOCALHOST", "::1", "[::1]", "0:0:0:0:0:0:0:1"] {
            #expect(LoginServerConfiguration.isLoopback(host: host), "\(host)")
        }
        for host in ["0.0.0.0", "::", "10.0.0.1", "login.example.com", "localhost.example.com", "127.0.0.1.example.com", ""] {
            #expect(!LoginServerConfiguration.isLoopback(host: host), "\(host)")
        }
    }

    // MARK: - https with real credentials

    static let real = [
        "WECHAT_WEB_APPID": "wx0123456789abcdef", "WECHAT_WEB_SECRET": "s3cr3t-value",
        "TOKEN_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
        "PUBLIC_URL": "https://login.example.com", "CODE_WEBHOOK_URL": "https://sms.example.com/send",
    ]

    @Test(arguments: ["PUBLIC_URL", "CODE_WEBHOOK_URL", "WECHAT_API_BASE_URL"])
    func plainHTTPIsRefusedWithRealCredentials(_ variable: String) throws {
        var environment = Self.real
        environment[variable] = "http://staging.example.com:8081"
        do {
            _ = try LoginServerConfiguration.fromEnvironment(environment, sandbox: false)
            Issue.record("expected \(variable) to be refused")
        } catch let error as LoginServerConfiguration.EnvironmentError {
            #expect(error.description.hasPrefix(variable))
        }
        for loopback in ["http://127.0.0.1:8081", "http://localhost:9000/x", "http://[::1]:8081"] {
            environment[variable] = loopback
            _ = try LoginServerConfiguration.fromEnvironment(environment, sandbox: false)
        }
        environment[variable] = "https://staging.example.com"
        _ = try LoginServerConfiguration.fromEnvironment(environment, sandbox: false)
        environment[variable] = "http://10.0.2.5:8081"
        _ = try LoginServerConfiguration.fromEnvironment(environment, sandbox: true)  // sandbox mode: no rule
    }
}
