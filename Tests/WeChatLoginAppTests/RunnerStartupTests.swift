import Foundation
import LoginServer
import NIOPosix
import Testing
import Vapor
@testable import WeChatLoginApp

/// The runner acts on the sandbox-mode rule before anything listens, and the embedded sandbox it starts stays on
/// loopback.
@Suite(.serialized) struct RunnerStartupTests {
    /// `serve --hostname 0.0.0.0` with no credentials used to start sandbox mode (and its control API) on every
    /// interface; it must refuse before anything listens.
    @Test func sandboxModeOnEveryInterfaceWithoutCredentialsIsRefused() async throws {
        let ports = (try await Self.freePort(), try await Self.freePort())
        await #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            let started = try await LoginServerRunner.start(
                hostname: "0.0.0.0", port: ports.0, sandboxPort: ports.1, sandboxFlag: false,
                environment: ["DATABASE_URL": "sqlite::memory:"])
            try await Self.stop(started)
        }
        #expect(await Self.accepts(port: ports.1) == false, "nothing listens on the sandbox port")
    }

    @Test func theEmbeddedSandboxListensOnLoopbackOnly() async throws {
        let ports = (try await Self.freePort(), try await Self.freePort())
        let started = try await LoginServerRunner.start(
            hostname: "0.0.0.0", port: ports.0, sandboxPort: ports.1, sandboxFlag: true,
            environment: ["DATABASE_URL": "sqlite::memory:"])
        let bound = started.sandbox?.application.http.server.shared.localAddress
        try await Self.stop(started)
        #expect(started.configuration.sandboxMode)
        #expect(bound?.ipAddress == "127.0.0.1")
        #expect(bound?.port == ports.1)
        #expect(started.sandbox?.baseURL == "http://127.0.0.1:\(ports.1)")
    }

    @Test func aLoopbackHostnameIsKeptForTheSandbox() {
        #expect(EmbeddedSandbox.listenHost("0.0.0.0") == "127.0.0.1")
        #expect(EmbeddedSandbox.listenHost("10.0.1.12") == "127.0.0.1")
        #expect(EmbeddedSandbox.listenHost("localhost") == "localhost")
        #expect(EmbeddedSandbox.listenHost("::1") == "::1")
        #expect(EmbeddedSandbox.displayHost("::1") == "[::1]")
    }

    @Test func pushFollowsTheSameRule() async throws {
        let push = TemplatePush(userID: nil, openID: "o1", templateID: "t", url: nil, data: [("a", "b")],
                                idempotencyKey: nil, enqueueOnly: true)
        await #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            _ = try await LoginServerRunner.push(
                push, environment: ["DATABASE_URL": "postgres://u:p@127.0.0.1:9/x"], sandboxURL: "http://127.0.0.1:8081")
        }
        await #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
            _ = try await LoginServerRunner.push(
                push, environment: ["DATABASE_URL": "sqlite::memory:"], sandboxURL: "http://10.0.2.5:8081")
        }
    }

    // MARK: - Helpers

    static func stop(_ started: LoginServerRunner.Started) async throws {
        try await started.application.asyncShutdown()
        try await started.sandbox?.shutdown()
    }

    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close().get()
        return port
    }

    /// Whether anything accepts a TCP connection on `port` of 127.0.0.1.
    static func accepts(port: Int) async -> Bool {
        let channel = try? await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        try? await channel?.close().get()
        return channel != nil
    }

    @Test(arguments: [("127.0.0.1", false, true), ("localhost", false, true), ("::1", false, true),
                      ("0.0.0.0", false, false), ("192.168.1.5", false, false), ("0.0.0.0", true, true)])
    func theStandaloneSandboxListensBeyondLoopbackOnlyWhenAskedTo(host: String, allowRemote: Bool, allowed: Bool) {
        let refused = (try? SandboxRunner.checkExposure(hostname: host, allowRemote: allowRemote)) == nil
        #expect(refused == !allowed, "\(host) allowRemote=\(allowRemote)")
    }
}
