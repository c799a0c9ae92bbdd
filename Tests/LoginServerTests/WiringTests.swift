import Foundation
import Testing
@testable import LoginServer

/// The application is wired once, in `configure`: services are handed to controllers in `init`, never looked up
/// from a request or the application at run time (where a missing one would fail at the first request).
@Suite struct WiringTests {
    /// Lines of the LoginServer sources that look a service up: storage on the application, `req.wechat` /
    /// `app.wechat`, or a `fatalError` standing for a missing one.
    @Test func theLoginServerLooksNoServiceUp() throws {
        let sources = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/LoginServer")
        let files = try #require(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }
            .filter { $0.pathExtension == "swift" }
        #expect(files.count > 20, "found the LoginServer sources at \(sources.path)")
        let lookups = [
            #"\b(app|application)\.storage\b"#,
            #"\b(req|request|app|application)\.wechat\b"#,
            #"\bfatalError\("#,
            #"\b(req|request)\.login\b"#,
        ]
        for file in files {
            let lines = try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline)
            for line in lines where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") {
                for pattern in lookups where line.range(of: pattern, options: .regularExpression) != nil {
                    Issue.record("\(file.lastPathComponent) looks a service up: \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
    }

    /// `configure` builds the services from the configuration it was given and returns them.
    @Test func configureReturnsTheServicesItHandedOut() async throws {
        try await LoginWorld.with(adjust: { $0.officialAccount = nil; $0.messageServer = nil }) { world in
            let services = world.services
            #expect(services.configuration.publicURL == LoginWorld.serverBase)
            #expect(services.signInFlow.configuration.callbackURL == services.configuration.callbackURL)
            #expect(services.weChat.officialAccount == nil && services.signInFlow.officialAccount == nil)
            #expect(services.weChat.website != nil)
            #expect(services.messaging == nil && services.sharedToken == nil && services.messageServer == nil)
        }
    }
}
