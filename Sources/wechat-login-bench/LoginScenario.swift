import Foundation

/// Complete logins against one login server: half by WeChat users who never signed in there (a new identity),
/// half by users who did (a returning identity), each in a fresh browser.
struct LoginScenario: Sendable {
    let environment: BenchEnvironment
    let flow: LoginFlows.Flow
    let target: String
    let users: Int
    let duration: Double
    /// Identities each virtual user signs in once before the run, to return with.
    var returningPerUser = 4
    /// The sandbox process, to report its CPU per login too.
    var sandboxProcess: BenchProcess?
    /// The database server, when it is a process of its own (PostgreSQL).
    var databaseProcess: (any CPUWatched)?

    func run(name: String, against server: BenchProcess) async throws -> LoadResult {
        let flows = LoginFlows(client: environment.client, sandbox: environment.sandbox, target: target)
        let run = UUID().uuidString.prefix(6).lowercased()
        let flow = self.flow
        let returningPerUser = self.returningPerUser
        // Warm-up (untimed): every virtual user signs its returning identities in once.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for user in 0..<users {
                group.addTask {
                    for slot in 0..<returningPerUser {
                        let id = "r\(run)-\(user)-\(slot)"
                        try await environment.newWeChatUser(id)
                        try await flows.login(flow, as: id)
                    }
                }
            }
            try await group.waitForAll()
        }
        return await LoadRunner.run(
            name: name, users: users, duration: duration, server: server, sandbox: sandboxProcess, database: databaseProcess,
            prepare: { user, index in
                if index % 2 == 1 { return "r\(run)-\(user)-\((index / 2) % returningPerUser)" }
                let id = "n\(run)-\(user)-\(index)"
                try await environment.newWeChatUser(id)
                return id
            },
            iteration: { _, _, id in try await flows.login(flow, as: id) })
    }
}
