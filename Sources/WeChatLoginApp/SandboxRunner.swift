import Foundation
import LoginServer
import Vapor
import WeChatSandbox

/// Runs the WeChat sandbox on its own until it is told to stop.
public enum SandboxRunner {
    /// The sandbox was asked to listen beyond loopback without `--allow-remote`.
    public struct ExposureRefused: Error, CustomStringConvertible {
        public let hostname: String
        public var description: String {
            "--hostname \(hostname) is not a loopback address: the sandbox's control API (/sandbox/api/) has no "
                + "authentication, so anyone who reaches it could act as any simulated WeChat user. Add --allow-remote "
                + "to listen there anyway (a private test network only)."
        }
    }

    /// The sandbox's control API is unauthenticated, so it listens beyond loopback only when asked to.
    public static func checkExposure(hostname: String, allowRemote: Bool) throws {
        guard allowRemote || LoginServerConfiguration.isLoopback(host: hostname) else {
            throw ExposureRefused(hostname: hostname)
        }
    }

    /// Loads the world (the default one without a file), starts the sandbox on `hostname:port`, and serves.
    public static func run(hostname: String, port: Int, worldFile: String?) async throws {
        var configuration = try worldFile.map { try SandboxConfiguration(contentsOf: URL(fileURLWithPath: $0)) }
            ?? SandboxConfiguration()
        configuration.publicBaseURL = "http://\(EmbeddedSandbox.displayHost(hostname)):\(port)"
        let app = try await Application.make(Environment(name: "production", arguments: ["sandbox"]))
        app.http.server.configuration.hostname = hostname
        app.http.server.configuration.port = port
        Sandbox(configuration: configuration).register(on: app)
        print("WeChat sandbox on \(configuration.publicBaseURL)/sandbox/  (control API: \(configuration.publicBaseURL)/sandbox/api/)")
        do {
            try await app.execute()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
