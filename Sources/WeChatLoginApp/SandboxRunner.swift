import Foundation
import Vapor
import WeChatSandbox

/// Runs the WeChat sandbox on its own until it is told to stop.
public enum SandboxRunner {
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
