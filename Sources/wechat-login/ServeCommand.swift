import ArgumentParser
import Foundation
import LoginServer
import WeChatLoginApp

/// `wechat-login serve`: the login server; with no WeChat credentials, the embedded sandbox too.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the login server (and, without WeChat credentials, the embedded sandbox).")

    @Option(help: "Address to listen on.")
    var hostname = "127.0.0.1"

    @Option(help: "The login server's port.")
    var port = 8080

    @Option(name: .customLong("sandbox-port"), help: "The embedded sandbox's port (sandbox mode only; always on loopback).")
    var sandboxPort = 8081

    @Flag(name: .customLong("sandbox"), help: """
        Run sandbox mode even where it would not start by itself (WECHAT_SANDBOX=on): another --hostname than \
        loopback, or a PostgreSQL database. Everyone who reaches the server then sees the one-time codes.
        """)
    var sandbox = false

    func validate() throws {
        for (name, value) in [("--port", port), ("--sandbox-port", sandboxPort)] where !(1...65535).contains(value) {
            throw ValidationError("\(name) must be 1…65535")
        }
        guard port != sandboxPort else { throw ValidationError("--port and --sandbox-port must differ") }
    }

    func run() async throws {
        try LogSetup.bootstrap()
        do {
            try await LoginServerRunner.run(
                hostname: hostname, port: port, sandboxPort: sandboxPort, sandboxFlag: sandbox,
                environment: ProcessInfo.processInfo.environment)
        } catch let error as LoginServerConfiguration.EnvironmentError {
            throw ValidationError(error.description)
        }
    }
}
