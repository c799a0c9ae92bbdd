import Foundation

extension LoginServerConfiguration {
    /// What a process serves: real WeChat, or the offline sandbox standing in for it.
    public enum RunMode: Sendable, Equatable {
        /// Real WeChat apps from the environment (or a standalone sandbox at `WECHAT_API_BASE_URL`).
        case weChat
        /// The embedded sandbox: simulated apps, and one-time codes shown at `/dev/outbox`.
        case sandbox
    }

    /// Decides between real WeChat and sandbox mode before anything starts, so sandbox mode is never a surprise.
    ///
    /// Sandbox mode shows every one-time code at `/dev/outbox` and lets anyone bind a simulated WeChat identity to
    /// any account, so without WeChat credentials it starts only when asked for (`WECHAT_SANDBOX=on` or
    /// `--sandbox`) or when that is harmless: listening on loopback (127.0.0.0/8, ::1, localhost), a SQLite database,
    /// and none of the variables that only a deployment sets (a non-loopback `PUBLIC_URL`, `TOKEN_ENCRYPTION_KEY`,
    /// `CODE_WEBHOOK_URL`, `WECHAT_API_BASE_URL`). Otherwise the error lists what is missing and how to ask for the
    /// sandbox. Asking for the sandbox while credentials are set, or `WECHAT_SANDBOX=off` without them, is refused.
    ///
    /// - Parameters:
    ///   - hostname: the address the process listens on (`serve`), or the sandbox's host (`push`).
    ///   - sandboxFlag: `--sandbox` was given (the same as `WECHAT_SANDBOX=on`).
    public static func runMode(environment: [String: String], hostname: String, sandboxFlag: Bool) throws -> RunMode {
        func value(_ name: String) -> String? {
            let raw = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines)
            return (raw?.isEmpty ?? true) ? nil : raw
        }
        let credentialVariables = [Variable.officialAccountAppID, Variable.officialAccountSecret,
                                   Variable.websiteAppID, Variable.websiteSecret].filter { value($0) != nil }
        let asked: Bool?
        switch value(Variable.sandbox)?.lowercased() {
        case nil: asked = sandboxFlag ? true : nil
        case "on", "true", "1": asked = true
        case "off", "false", "0":
            guard !sandboxFlag else {
                throw EnvironmentError(description: "--sandbox contradicts \(Variable.sandbox)=off: remove one of them")
            }
            asked = false
        default: throw EnvironmentError(description: "\(Variable.sandbox) must be on or off (or unset)")
        }
        if !credentialVariables.isEmpty {
            if asked == true {
                throw EnvironmentError(description: """
                    \(sandboxFlag ? "--sandbox" : "\(Variable.sandbox)=on") asks for the offline sandbox, but WeChat \
                    credentials are set (\(credentialVariables.joined(separator: ", "))): remove one or the other
                    """)
            }
            return .weChat
        }
        if asked == true { return .sandbox }
        let missing = missingForWeChat(value)
        if asked == false {
            throw EnvironmentError(description: """
                \(Variable.sandbox)=off, but no WeChat app is configured. Missing: \(missing.joined(separator: ", ")).
                """)
        }
        let reasons = reasonsAgainstAutomaticSandbox(value, hostname: hostname)
        guard reasons.isEmpty else {
            throw EnvironmentError(description: """
                No WeChat app is configured, and the offline sandbox does not start by itself here \
                (\(reasons.joined(separator: "; "))).
                To serve real WeChat logins, set: \(missing.joined(separator: ", ")).
                To run the sandbox anyway, set \(Variable.sandbox)=on or pass --sandbox: it shows every one-time code \
                at /dev/outbox to anyone who can reach the server.
                """)
        }
        return .sandbox
    }

    /// What real WeChat mode needs and the environment lacks.
    private static func missingForWeChat(_ value: (String) -> String?) -> [String] {
        var missing = ["\(Variable.officialAccountAppID) and \(Variable.officialAccountSecret) (or \(Variable.websiteAppID) and \(Variable.websiteSecret))"]
        for name in [Variable.publicURL, Variable.tokenEncryptionKey, Variable.codeWebhookURL] where value(name) == nil {
            missing.append(name)
        }
        if value(Variable.databaseURL) == nil {
            missing.append("\(Variable.databaseURL) (postgres://… for several instances; the default is sqlite:wechat-login.sqlite)")
        }
        return missing
    }

    /// Why an unconfigured environment looks like a deployment rather than a developer's machine. Never echoes
    /// values (a database URL may hold a password).
    private static func reasonsAgainstAutomaticSandbox(_ value: (String) -> String?, hostname: String) -> [String] {
        var reasons: [String] = []
        if !isLoopback(host: hostname) { reasons.append("listening on \(hostname), which is not a loopback address") }
        if let database = value(Variable.databaseURL), !database.hasPrefix("sqlite:") {
            reasons.append("\(Variable.databaseURL) is not SQLite")
        }
        if let publicURL = value(Variable.publicURL), !isLoopback(url: publicURL) {
            reasons.append("\(Variable.publicURL) is not on a loopback host")
        }
        for name in [Variable.tokenEncryptionKey, Variable.codeWebhookURL, Variable.apiBaseURL] where value(name) != nil {
            reasons.append("\(name) is set")
        }
        return reasons
    }

    /// True for `localhost`, 127.0.0.0/8 and ::1 (brackets allowed).
    public static func isLoopback(host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "localhost." { return true }
        guard let bytes = TrustedProxies.parse(host) else { return false }
        if bytes.count == 4 { return bytes[0] == 127 }
        return bytes == Array(repeating: 0, count: 15) + [1]
    }

    /// True when `url`'s host is a loopback host (see ``isLoopback(host:)``).
    static func isLoopback(url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host, !host.isEmpty else { return false }
        return isLoopback(host: host)
    }
}
