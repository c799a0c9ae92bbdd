import ArgumentParser
import Foundation
import LoginServer
import WeChatLoginApp

/// `wechat-login push`: one template message from the command line, through the durable queue.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Queue one template message and send it now (same settings and database as `serve`).",
        discussion: """
            Example: wechat-login push --openid o6_bmjrPTlm6_2sgVt7hMZOPfL2M \\
                       --template ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY \\
                       --data first=您的订单已发货 --data keyword1=A-1001 --data keyword2=已发货
            With no WeChat credentials in the environment it sends through the sandbox of a running \
            `wechat-login serve` (--sandbox-url), by the same rule as `serve` (WECHAT_SANDBOX, --sandbox).
            """)

    @Option(name: .customLong("openid"), help: "The recipient's openid under the official account.")
    var openID: String?

    @Option(name: .customLong("user-id"), help: "The recipient as a business user id (their official-account identity).")
    var userID: String?

    @Option(name: .customLong("template"), help: "The template id.")
    var templateID: String

    @Option(name: .customLong("data"), help: "A field as key=value (repeat for each placeholder).")
    var data: [String] = []

    @Option(help: "Where a tap on the message leads (http or https).")
    var url: String?

    @Option(name: .customLong("idempotency-key"), help: "Sent as client_msg_id; repeating it sends nothing new.")
    var idempotencyKey: String?

    @Flag(name: .customLong("enqueue-only"), help: "Only queue it; the running servers send it.")
    var enqueueOnly = false

    @Option(name: .customLong("sandbox-url"), help: "The sandbox to use without WeChat credentials.")
    var sandboxURL = "http://127.0.0.1:8081"

    @Flag(name: .customLong("sandbox"), help: "Use the sandbox even where it would not be used by itself (WECHAT_SANDBOX=on).")
    var sandbox = false

    func validate() throws {
        guard (openID == nil) != (userID == nil) else { throw ValidationError("give exactly one of --openid and --user-id") }
        if let userID, UUID(uuidString: userID) == nil { throw ValidationError("--user-id must be a UUID") }
        guard !data.isEmpty else { throw ValidationError("give at least one --data key=value") }
        for field in data where !field.contains("=") { throw ValidationError("--data \(field): expected key=value") }
    }

    func run() async throws {
        try LogSetup.bootstrap()
        let fields = data.map { field -> (key: String, value: String) in
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        let push = TemplatePush(
            userID: userID.flatMap(UUID.init(uuidString:)), openID: openID, templateID: templateID, url: url,
            data: fields, idempotencyKey: idempotencyKey, enqueueOnly: enqueueOnly)
        let result: TemplatePush.Result
        do {
            result = try await LoginServerRunner.push(
                push, environment: ProcessInfo.processInfo.environment, sandboxURL: sandboxURL,
                sandboxFlag: sandbox)
        } catch let error as LoginServerConfiguration.EnvironmentError {
            throw ValidationError(error.description)
        } catch let error as TemplatePush.PushError {
            throw ValidationError(error.description)
        }
        print(result)
        if !result.succeeded { throw ExitCode.failure }
    }
}
