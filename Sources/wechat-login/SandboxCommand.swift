import ArgumentParser
import Foundation
import WeChatLoginApp

/// `wechat-login sandbox`: only the offline WeChat, for developing against WeChat without WeChat.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run the offline WeChat sandbox on its own.")

    @Option(help: "Address to listen on.")
    var hostname = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8081

    @Option(help: "A JSON file describing the sandbox's world (apps, users, lifetimes); the default world otherwise.")
    var world: String?

    @Flag(name: .customLong("allow-remote"),
          help: "Listen on a non-loopback --hostname anyway. Its control API has no authentication: anyone who reaches it can act as any simulated user.")
    var allowRemote = false

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1…65535") }
        do {
            try SandboxRunner.checkExposure(hostname: hostname, allowRemote: allowRemote)
        } catch let refusal as SandboxRunner.ExposureRefused {
            throw ValidationError(refusal.description)
        }
    }

    func run() async throws {
        try LogSetup.bootstrap()
        try await SandboxRunner.run(hostname: hostname, port: port, worldFile: world)
    }
}
