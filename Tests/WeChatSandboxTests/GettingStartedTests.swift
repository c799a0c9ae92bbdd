import Foundation
import Testing
import Vapor
@testable import WeChatSandbox

/// Mirrors the README: create a sandbox, register it, read the seeded world in process.
@Suite("getting started")
struct GettingStartedTests {
    @Test func readmeExample() async throws {
        let app = try await Application.make(.testing)
        let sandbox = Sandbox(configuration: SandboxConfiguration(publicBaseURL: "http://localhost:8080"))
        sandbox.register(on: app)
        #expect(app.routes.all.contains { $0.path.string == "connect/oauth2/authorize" })
        #expect(app.routes.all.contains { $0.path.string == "sandbox/api/faults" })
        let oa = try #require(await sandbox.app(SandboxConfiguration.defaultOfficialAccountID))
        #expect(oa.kind == .officialAccount && oa.token == "sandboxtoken")
        #expect(await sandbox.users().map(\.id) == ["u1", "u2", "u3"])
        let web = SandboxConfiguration.defaultWebsiteAppID
        #expect(await sandbox.unionID(userID: "u1", appID: web) == (await sandbox.unionID(userID: "u1", appID: oa.appID)))
        #expect(await sandbox.unionID(userID: "u1", appID: SandboxConfiguration.defaultTestAccountID) == nil)
        #expect(sandbox.openID(userID: "u1", appID: web) != sandbox.openID(userID: "u1", appID: oa.appID))
        await sandbox.clock.advance(by: 60)
        await sandbox.reset()
        #expect(abs(await sandbox.clock.now().timeIntervalSinceNow) < 5)
        try await app.asyncShutdown()
    }
}
