import ArgumentParser

/// `wechat-login`: the login server (default) and the WeChat sandbox.
@main
struct WeChatLoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wechat-login",
        abstract: "Sign in with WeChat: the login server, template messages, and an offline WeChat sandbox.",
        subcommands: [ServeCommand.self, SandboxCommand.self, PushCommand.self],
        defaultSubcommand: ServeCommand.self)
}
