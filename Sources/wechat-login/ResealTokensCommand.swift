import ArgumentParser
import Foundation
import LoginServer

/// `wechat-login reseal-tokens`: the key-rotation step that lets an old token key be dropped.
struct ResealTokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reseal-tokens",
        abstract: "Seal stored WeChat tokens under the current TOKEN_ENCRYPTION_KEY and report what older keys still seal.",
        discussion: """
            Uses TOKEN_ENCRYPTION_KEY, TOKEN_ENCRYPTION_PREVIOUS_KEYS and DATABASE_URL, as `serve` does. Running \
            servers do the same in the background; this shows when a previous key can be dropped.
            """)

    @Flag(name: .customLong("check"), help: "Only report; change nothing.")
    var checkOnly = false

    func run() async throws {
        try LogSetup.bootstrap()
        do {
            print(try await TokenResealCommand.run(
                environment: ProcessInfo.processInfo.environment, checkOnly: checkOnly))
        } catch let error as LoginServerConfiguration.EnvironmentError {
            throw ValidationError(error.description)
        }
    }
}
