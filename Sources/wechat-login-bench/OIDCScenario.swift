import Foundation

/// Complete OpenID Connect sign-ins against one login server, each in a fresh browser (so no single sign-on
/// shortcut: every sign-in goes to WeChat), by WeChat users whose identities are bound to an account.
struct OIDCScenario: Sendable {
    let environment: BenchEnvironment
    let flow: LoginFlows.Flow
    let oidc: OIDCFlows
    let codes: CodeWebhook
    let users: Int
    let duration: Double
    /// Identities each virtual user binds before the run and then signs in with in turn.
    var identitiesPerUser = 4
    var sandboxProcess: BenchProcess?
    var databaseProcess: (any CPUWatched)?

    func run(name: String, against server: BenchProcess) async throws -> LoadResult {
        let run = UUID().uuidString.prefix(6).lowercased()
        let (oidc, flow, codes, identities) = (self.oidc, self.flow, self.codes, identitiesPerUser)
        // Warm-up (untimed): each identity signs in once and binds an account by email at /bind.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for user in 0..<users {
                group.addTask {
                    for slot in 0..<identities {
                        let id = "o\(run)-\(user)-\(slot)"
                        try await environment.newWeChatUser(id)
                        try await oidc.logins.signInAndBind(flow, as: id, email: "\(id)@bench.example", codes: codes)
                    }
                }
            }
            try await group.waitForAll()
        }
        return await LoadRunner.run(
            name: name, users: users, duration: duration, server: server, sandbox: sandboxProcess, database: databaseProcess,
            prepare: { user, index in "o\(run)-\(user)-\(index % identities)" },
            iteration: { _, _, id in try await oidc.signIn(flow, as: id) })
    }
}
