import Fluent
import Foundation
import Testing
@testable import LoginServer

extension LoginWorld {
    /// A code request on `/bind` by a browser whose PC login as `user` is pending binding.
    struct BindCodeRequest {
        let browser: Browser
        let csrf: String
        /// The page's answer to `POST /bind/code`.
        let answer: Browser.Result

        /// The challenge the answer redirected to, when a code was sent.
        var challengeID: UUID? {
            answer.location.flatMap { Browser.query(LoginWorld.serverBase + $0, "challenge") }
                .flatMap(UUID.init(uuidString:))
        }
    }

    /// Signs `user` in on a new PC browser (an identity pending binding) and asks for a code to `contact`.
    func requestBindCode(as user: String, contact: String) async throws -> BindCodeRequest {
        let browser = self.browser()
        _ = try await browser.pcLogin(as: user)
        return try await requestBindCode(browser, contact: contact)
    }

    /// Asks for another code to `contact` in a browser whose identity is pending binding.
    func requestBindCode(_ browser: Browser, contact: String) async throws -> BindCodeRequest {
        let form = try await browser.get("\(LoginWorld.serverBase)/bind")
        let csrf = try #require(form.input("csrf"))
        let answer = try await browser.post("\(LoginWorld.serverBase)/bind/code",
                                            form: [("contact", contact), ("csrf", csrf)])
        return BindCodeRequest(browser: browser, csrf: csrf, answer: answer)
    }

    /// The challenge a code request created and the identity it belongs to; fails the test when none was sent.
    func sentChallenge(_ request: BindCodeRequest) async throws -> (challengeID: UUID, identityID: UUID) {
        let id = try #require(request.challengeID, "a code was sent: \(request.answer.status)")
        let challenge = try #require(try await BindChallenge.find(id, on: server.db))
        return (id, challenge.$identity.id)
    }

    /// The bind service as requests get it, on the server's database (by default on its first event loop);
    /// codes go nowhere.
    func bindService(loop: Int = 0) -> BindService {
        services.binding.service(on: database(loop: loop), sender: DiscardingCodeSender())
    }

    /// The server's database on its `index`-th event loop (modulo their number). On PostgreSQL each loop has its
    /// own connection, so tasks given different loops really run at once; one connection would run their
    /// transactions one after the other and hide every race.
    func database(loop index: Int) -> any Database {
        let loops = Array(server.eventLoopGroup.makeIterator())
        guard let database = server.databases.database(logger: server.logger, on: loops[index % loops.count]) else {
            fatalError("the server has no default database")
        }
        return database
    }
}

/// A code sender that drops the code (tests that read no code).
struct DiscardingCodeSender: CodeSender {
    func send(_ code: OneTimeCode, to contact: ContactAddress, language: Language, lifetime: TimeInterval) async throws {}
    func sendNotice(_ message: String, to contact: ContactAddress, language: Language) async throws {}
}

extension LoginWorld {
    /// A code that is surely wrong: every digit of `code` moved by one.
    static func wrongCode(_ code: String) -> String {
        String(code.map { $0 == "9" ? "0" : Character(String(Int(String($0))! + 1)) })
    }
}
