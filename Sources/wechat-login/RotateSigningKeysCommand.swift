import ArgumentParser
import Foundation
import LoginServer

/// `wechat-login rotate-signing-keys`: a new OpenID Connect signing key per algorithm.
struct RotateSigningKeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-signing-keys",
        abstract: "Make a new current OpenID Connect signing key per algorithm (RS256, ES256); the old ones stay published until the tokens they signed expired.",
        discussion: """
            Uses TOKEN_ENCRYPTION_KEY (which seals the new private keys), DATABASE_URL and \
            OIDC_RETIRED_KEY_PUBLISHED_SECONDS, as `serve` does. Running servers sign with the new keys within a \
            minute; none needs a restart.
            """)

    @Flag(name: .customLong("check"), help: "Only list the published keys; change nothing.")
    var checkOnly = false

    func run() async throws {
        try LogSetup.bootstrap()
        do {
            print(try await SigningKeyRotationCommand.run(
                environment: ProcessInfo.processInfo.environment, checkOnly: checkOnly))
        } catch let error as LoginServerConfiguration.EnvironmentError {
            throw ValidationError(error.description)
        }
    }
}
