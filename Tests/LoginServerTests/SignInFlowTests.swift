import Fluent
import Foundation
import Logging
import SQLKit
import Testing
import WeChatKit
@testable import LoginServer

/// The sign-in flow's branches, driven directly (no HTTP request to the server): first callback, duplicate in
/// flight, repeat of a completed one, expired, another browser, WeChat failure after the claim, and a crash
/// between recording the identity and completing the state. On PostgreSQL the concurrent ones really interleave.
@Suite(.serialized) struct SignInFlowTests {
    private let logger = Logger(label: "sign-in-flow-test")

    /// An in-WeChat login begun by the flow for a new browser binding; `codes` opens WeChat's authorize page that
    /// many times as `user` (WeChat's double callback gives a new code each time).
    private struct Begun {
        let state: String
        let binding: BrowserBinding
        let authorizeURL: String
    }

    private func begin(_ world: LoginWorld, flow: SignInFlow? = nil, returnTo: String = "/account") async throws -> Begun {
        let flow = flow ?? world.services.signInFlow
        let binding = BrowserBinding.random()
        let started = try await flow.begin(
            .init(flow: .officialAccount, returnTo: ReturnTo.orHome(returnTo), binding: binding), on: world.server.db)
        guard case .redirect(let url) = started else {
            Issue.record("the in-WeChat flow redirects to WeChat")
            throw CancellationError()
        }
        return Begun(state: try #require(Browser.query(url, "state")), binding: binding, authorizeURL: url)
    }

    /// A fresh code for the begun login, as WeChat hands it to the callback.
    private func code(_ world: LoginWorld, _ begun: Begun, as user: String = "u1") async throws -> String {
        let phone = world.browser(userAgent: Browser.weChatUserAgent)
        phone.actAsWeChatUser(user)
        let toCallback = try await phone.get(begun.authorizeURL)
        return try #require(toCallback.location.flatMap { Browser.query($0, "code") })
    }

    private func callback(_ begun: Begun, code: String?, origin: String? = nil, signedIn: Bool = false,
                          bindings: [BrowserBinding]? = nil) -> SignInFlow.Callback {
        SignInFlow.Callback(state: begun.state, code: code, bindings: bindings ?? [begun.binding],
                            sessionOrigin: origin, sessionIsSignedIn: signedIn)
    }

    private func stateRow(_ world: LoginWorld, _ state: String) async throws -> OAuthStateRecord {
        try #require(try await OAuthStateRecord.find(state, on: world.server.db))
    }

    @Test func theFirstCallbackRecordsTheIdentityAndABoundOneSignsIn() async throws {
        try await LoginWorld.with { world in
            let flow = world.services.signInFlow
            let first = try await begin(world)
            let outcome = try await flow.complete(callback(first, code: try await code(world, first)),
                                                  on: world.server.db, logger: logger)
            guard case .needsBinding(let identityID, let returnTo, let state) = outcome else {
                Issue.record("a new identity needs binding, got \(outcome)")
                return
            }
            #expect(returnTo.path == "/account" && state == first.state)
            let row = try await stateRow(world, first.state)
            #expect(row.completedAt != nil && row.identityID == identityID)

            // Bound to an account, the next login signs its user in.
            let user = User(contact: .email("bob@example.com"), displayName: nil)
            try await user.create(on: world.server.db)
            let identity = try #require(try await WeChatIdentity.find(identityID, on: world.server.db))
            identity.$user.id = try user.requireID()
            try await identity.save(on: world.server.db)
            let second = try await begin(world, returnTo: "/")
            let signedIn = try await flow.complete(callback(second, code: try await code(world, second)),
                                                   on: world.server.db, logger: logger)
            #expect(signedIn == .signedIn(userID: try user.requireID(), identityID: identityID, returnTo: .home,
                                          state: second.state))
        }
    }

    @Test func aDuplicateInFlightWaitsForTheFirstResult() async throws {
        try await LoginWorld.with { world in
            let flow = world.services.signInFlow
            let begun = try await begin(world)
            let (firstCode, secondCode) = (try await code(world, begun), try await code(world, begun))
            // The first exchange is slow, so the second callback finds the claim held (the `busy` branch). The
            // second starts only once the first holds the claim (read from the row, not guessed by a sleep), and the
            // delay is long enough for a loaded machine to start it meanwhile.
            try await world.control(.POST, "faults",
                                    json: #"{"path":"/sns/oauth2/access_token","delayMilliseconds":2000,"count":1}"#)
            let databases = (world.database(loop: 0), world.database(loop: 1))
            let logger = world.server.logger
            async let a = flow.complete(callback(begun, code: firstCode), on: databases.0, logger: logger)
            var waited = 0
            while try await stateRow(world, begun.state).claimToken == nil, waited < 2000 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            async let b = flow.complete(callback(begun, code: secondCode), on: databases.1, logger: logger)
            let (first, second) = try await (a, b)
            #expect(first.identityID != nil)
            #expect(first == second, "both callbacks end on the same result")
            #expect(try await world.calls("/sns/oauth2/access_token") == 1, "one code exchanged")
            #expect(try await world.count(WeChatIdentity.self) == 1)
            #expect(world.logs.all.contains { $0.contains("concurrent callback answered with the first result") },
                    "the second callback took the busy branch")
        }
    }

    @Test func aRepeatOfACompletedCallbackGetsTheFirstResultOnlyPromptlyAndInItsOwnSession() async throws {
        try await LoginWorld.with { world in
            let flow = world.services.signInFlow
            let begun = try await begin(world)
            let code = try await code(world, begun)
            let first = try await flow.complete(callback(begun, code: code), on: world.server.db, logger: logger)
            #expect(first.identityID != nil)
            let repeats: [(SignInFlow.Callback, SignInFlow.Outcome, String)] = [
                (callback(begun, code: code, origin: begun.state, signedIn: true), first, "the session it created"),
                (callback(begun, code: code), first, "a browser not signed in (the first answer was dropped)"),
                (callback(begun, code: code, origin: "another-state", signedIn: true), .refused(.invalidState),
                 "the session of another login"),
                (callback(begun, code: code, signedIn: true), .refused(.invalidState), "someone else's session"),
                (callback(begun, code: code, bindings: []), .refused(.otherBrowser), "no binding (signed out)"),
            ]
            for (repeated, expected, why) in repeats {
                #expect(try await flow.complete(repeated, on: world.server.db, logger: logger) == expected, "\(why)")
            }
            world.clock.advance(by: 121)
            let late = try await flow.complete(callback(begun, code: code, origin: begun.state, signedIn: true),
                                               on: world.server.db, logger: logger)
            #expect(late == .refused(.invalidState), "too late, even in its own session")
            #expect(try await world.calls("/sns/oauth2/access_token") == 1)
        }
    }

    @Test func expiredForeignForgedAndDeclinedCallbacksAreRefused() async throws {
        try await LoginWorld.with { world in
            let flow = world.services.signInFlow
            let begun = try await begin(world)
            let code = try await code(world, begun)
            var forged = callback(begun, code: code)
            for state in [nil, "<script>", OAuthState.random().rawValue] {
                forged.state = state
                #expect(try await flow.complete(forged, on: world.server.db, logger: logger) == .refused(.invalidState))
            }
            let foreign = callback(begun, code: code, bindings: [BrowserBinding.random()])
            #expect(try await flow.complete(foreign, on: world.server.db, logger: logger) == .refused(.otherBrowser))
            let declined = try await flow.complete(callback(begun, code: nil), on: world.server.db, logger: logger)
            #expect(declined == .refused(.denied(returnTo: "/account")))
            let released = try await stateRow(world, begun.state)
            #expect(released.claimToken == nil && released.completedAt == nil, "a refusal gives the claim back")
            world.clock.advance(by: 11 * 60)
            let expired = try await flow.complete(callback(begun, code: code), on: world.server.db, logger: logger)
            #expect(expired == .refused(.expired(returnTo: "/account")))
            #expect(try await world.calls("/sns/oauth2/access_token") == 0)
            #expect(try await world.count(WeChatIdentity.self) == 0)
        }
    }

    @Test func aWeChatFailureAfterTheClaimGivesItBackForTheNextCode() async throws {
        try await LoginWorld.with { world in
            let flow = world.services.signInFlow
            let begun = try await begin(world)
            try await world.control(.POST, "faults", json: #"{"path":"/sns/oauth2/access_token","errcode":-1,"count":1}"#)
            let failed = try await flow.complete(callback(begun, code: try await code(world, begun)),
                                                 on: world.server.db, logger: logger)
            guard case .refused(.weChatFailed(let error, let returnTo)) = failed else {
                Issue.record("expected a WeChat failure, got \(failed)")
                return
            }
            #expect(error.code?.rawValue == -1 && returnTo == "/account")
            let row = try await stateRow(world, begun.state)
            #expect(row.claimToken == nil && row.completedAt == nil)
            #expect(try await world.count(WeChatIdentity.self) == 0, "nothing half-written")
            let retried = try await flow.complete(callback(begun, code: try await code(world, begun)),
                                                  on: world.server.db, logger: logger)
            #expect(retried.identityID != nil, "WeChat's second callback, with its own code, signs in")
        }
    }

    @Test func aStateNamingAnUnknownFlowIsRefusedNotGuessed() async throws {
        try await LoginWorld.with { world in
            let flow = world.services.signInFlow
            let begun = try await begin(world)
            try await world.server.db.sql().raw(
                "UPDATE oauth_states SET flow = 'bogus' WHERE state = \(bind: begun.state)").run()
            let outcome = try await flow.complete(callback(begun, code: try await code(world, begun)),
                                                  on: world.server.db, logger: logger)
            #expect(outcome == .refused(.invalidState))
            #expect(try await stateRow(world, begun.state).claimToken == nil)
            #expect(try await world.calls("/sns/oauth2/access_token") == 0)
        }
    }

    @Test func aCrashBetweenRecordingAndCompletingIsRecoveredByTheNextCallback() async throws {
        try await LoginWorld.with { world in
            var settings = world.services.signInFlow.configuration
            settings.awaitAttempts = 3
            settings.awaitInterval = .milliseconds(20)
            let base = world.services.signInFlow
            let flow = SignInFlow(configuration: settings, officialAccount: base.officialAccount, website: base.website,
                                  cipher: base.cipher, clock: base.clock, stateWriter: base.stateWriter)
            let begun = try await begin(world, flow: flow)
            // The first callback claims, exchanges and records the identity — then its process dies.
            let states = flow.states(on: world.server.db)
            guard case .claimed = try await states.claim(state: begun.state, bindings: [begun.binding]) else {
                Issue.record("the first callback claims the state")
                return
            }
            let client = try flow.client(for: .officialAccount)
            let token = try await client.exchange(code: try await code(world, begun))
            let profile = try await client.userInfo(accessToken: token.accessToken, openID: token.openID)
            let recorded = try await world.server.db.writeTransaction { tx in
                try await flow.recorder(on: tx).upsert(.init(
                    appID: client.credentials.appID, appKind: .officialAccount, token: token, profile: profile))
            }
            // WeChat's second callback finds the claim held, waits, and asks for patience.
            let waiting = try await flow.complete(callback(begun, code: try await code(world, begun)),
                                                  on: world.server.db, logger: logger)
            #expect(waiting == .refused(.stillRunning(returnTo: "/account")))
            // Once the claim is stale, the next callback takes it over and ends on the same identity.
            world.clock.advance(by: settings.staleClaimAfter + 1)
            let recovered = try await flow.complete(callback(begun, code: try await code(world, begun)),
                                                    on: world.server.db, logger: logger)
            #expect(recovered == .needsBinding(identityID: recorded.id, returnTo: ReturnTo.orHome("/account"),
                                               state: begun.state))
            #expect(try await world.count(WeChatIdentity.self) == 1)
            #expect(try await stateRow(world, begun.state).completedAt != nil)
        }
    }
}
