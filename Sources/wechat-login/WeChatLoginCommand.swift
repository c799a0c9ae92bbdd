import ArgumentParser

/// `wechat-login`: the login server (default) and the WeChat sandbox.
@main
struct WeChatLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wechat-login",
        abstract: "Sign in with WeChat: the login server, template messages, and an offline WeChat sandbox.",
        subcommands: [ServeCommand.self, SandboxCommand.self, PushCommand.self, ResealTokensCommand.self,
                      RotateSigningKeysCommand.self, ImportCommand.self, MigrateCommand.self],
        defaultSubcommand: ServeCommand.self)
}

extension WeChatLoginCommand {
    /// Hands Swift concurrency to NIO's event loops before anything runs, then parses and runs the subcommand.
    @MainActor static func main() async {
        EventLoopExecutor.install()
        await main(nil)
    }
}
