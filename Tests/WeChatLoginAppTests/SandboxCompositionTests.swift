import Foundation
import LoginServer
import Testing
import Vapor
import VaporTesting
import WeChatKit
import WeChatSandbox
@testable import WeChatLoginApp

/// The runner is where the server and the sandbox meet: the server learns the sandbox only as configuration values
/// and a URL, and the sandbox learns the server as WeChat's consoles would.
@Suite(.serialized) struct SandboxCompositionTests {
    @Test func sandboxModeHandsTheServerTheSandboxsURLAndCredentials() async throws {
        let ports = (try await RunnerStartupTests.freePort(), try await RunnerStartupTests.freePort())
        let started = try await LoginServerRunner.start(
            hostname: "127.0.0.1", port: ports.0, sandboxPort: ports.1, sandboxFlag: false,
            environment: ["DATABASE_URL": "sqlite::memory:"])
        do {
            let sandbox = try #require(started.sandbox)
            let configuration = started.configuration
            #expect(sandbox.baseURL == "http://127.0.0.1:\(ports.1)")
            #expect(configuration.sandboxMode)
            #expect(configuration.publicURL == "http://127.0.0.1:\(ports.0)")
            #expect(configuration.endpoint == .sandbox(baseURL: sandbox.baseURL))
            let officialAccount = try #require(await sandbox.sandbox.app(SandboxConfiguration.defaultOfficialAccountID))
            let website = try #require(await sandbox.sandbox.app(SandboxConfiguration.defaultWebsiteAppID))
            #expect(configuration.officialAccount?.appID == officialAccount.appID)
            #expect(configuration.officialAccount?.secret == officialAccount.secret)
            #expect(configuration.website?.appID == website.appID)
            #expect(configuration.messageServer?.appID == officialAccount.appID)

            // The sandbox knows the server as WeChat's consoles would: its domains and its events URL.
            #expect(officialAccount.webAuthDomain == configuration.publicHost)
            #expect(officialAccount.serverURL == configuration.publicURL + "/wechat/events")
            #expect(website.callbackDomain == configuration.publicHost)
            #expect(officialAccount.menu == [.init(name: "登录",
                                                   url: configuration.publicURL + "/login?client=wechat&return_to=%2Faccount")],
                    "the account's menu opens the in-WeChat login")

            // The server got the sandbox's URL through `LoginServer.configure`: its home page links there.
            try await started.application.testing().test(.GET, "/") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("\(sandbox.baseURL)/sandbox/"))
            }
            #expect(LoginServerRunner.banner(configuration: configuration, sandbox: sandbox)
                .contains("\(sandbox.baseURL)/sandbox/"))
        } catch {
            try? await RunnerStartupTests.stop(started)
            throw error
        }
        try await RunnerStartupTests.stop(started)
    }

    /// The production library must not carry the simulated WeChat: only this composition root imports it.
    @Test func theLoginServerLibraryNeverImportsTheSandbox() throws {
        let sources = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/LoginServer")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 20, "found the LoginServer sources at \(sources.path)")
        for file in files {
            let importsSandbox = try String(contentsOf: file, encoding: .utf8)
                .split(whereSeparator: \.isNewline)
                .contains { $0.range(of: #"^\s*(@[A-Za-z_]+\s+)*import\s+(\w+\s+)?WeChatSandbox\b"#,
                                     options: .regularExpression) != nil }
            #expect(!importsSandbox, "\(file.lastPathComponent) imports WeChatSandbox")
        }
    }
}
