import Fluent
import Foundation
import SQLKit
import Testing
@testable import LoginServer

/// The binding's limits and uniqueness under concurrent requests: attempts per challenge, one identity per app per
/// account, never an account without an identity. Run on SQLite and, by `scripts/postgres-test`, on PostgreSQL.
@Suite(.serialized) struct BindConcurrencyTests {
    /// Failure caps out of the way, so only the challenge's own attempt limit is at work.
    private static func generousCaps(_ configuration: inout LoginServerConfiguration) {
        configuration.bindLimits.failuresPerAddressPerHour = 1000
        configuration.bindLimits.failuresPerAddressPerDay = 1000
        configuration.bindLimits.failuresPerAccountPerHour = 1000
        configuration.bindLimits.failuresPerAccountPerDay = 1000
    }

    @Test func aBurstOfWrongCodesIsComparedAtMostMaxAttemptsTimes() async throws {
        try await LoginWorld.with(adjust: Self.generousCaps) { world in
            let request = try await world.requestBindCode(as: "u1", contact: "13800138000")
            let (challengeID, identityID) = try await world.sentChallenge(request)
            let right = try await world.latestCode(for: "13800138000")
            let wrong = LoginWorld.wrongCode(right)
            let outcomes = try await withThrowingTaskGroup(of: BindService.Verification.self) { group in
                for index in 0..<20 {
                    let service = world.bindService(loop: index)
                    group.addTask { try await service.verify(challengeID: challengeID, identityID: identityID, typed: wrong) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let wrongAnswers = outcomes.filter { if case .wrongCode = $0 { true } else { false } }.count
            #expect(wrongAnswers <= 5)
            #expect(outcomes.allSatisfy { if case .wrongCode = $0 { true } else { $0 == .tooManyAttempts } })
            let challenge = try #require(try await BindChallenge.find(challengeID, on: world.server.db))
            #expect(challenge.attempts == 5, "every compared guess was counted, and only five were compared")

            let late = try await world.bindService().verify(challengeID: challengeID, identityID: identityID, typed: right)
            #expect(late == .tooManyAttempts, "the right code no longer works")
            #expect(try await world.count(User.self) == 0)
        }
    }

    @Test func theRightCodeAmidAConcurrentBurstBindsOnlyWithinTheAttempts() async throws {
        try await LoginWorld.with(adjust: Self.generousCaps) { world in
            let request = try await world.requestBindCode(as: "u1", contact: "13800138000")
            let (challengeID, identityID) = try await world.sentChallenge(request)
            let right = try await world.latestCode(for: "13800138000")
            let guesses = (0..<20).map { $0 == 10 ? right : LoginWorld.wrongCode(right) }
            let outcomes = try await withThrowingTaskGroup(of: BindService.Verification.self) { group in
                for (index, guess) in guesses.enumerated() {
                    let service = world.bindService(loop: index)
                    group.addTask { try await service.verify(challengeID: challengeID, identityID: identityID, typed: guess) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let challenge = try #require(try await BindChallenge.find(challengeID, on: world.server.db))
            #expect(challenge.attempts <= 5)
            let bound = outcomes.filter { if case .bound = $0 { true } else { false } }.count
            #expect(bound <= 1)
            #expect(try await world.count(User.self) == bound, "a user only when the right code was among the five")
        }
    }

    @Test func concurrentCodeRequestsForOneIdentitySendOneCode() async throws {
        try await LoginWorld.with { world in
            _ = try await world.browser().pcLogin(as: "u1")
            let identityID = try #require(try await WeChatIdentity.query(on: world.server.db).first()).requireID()
            let outcomes = await withTaskGroup(of: String.self) { group in
                for index in 0..<10 {
                    let service = world.bindService(loop: index)
                    group.addTask {
                        do {
                            _ = try await service.start(identityID: identityID, contact: .phone("13800138000"),
                                                        language: .chinese)
                            return "sent"
                        } catch BindService.StartFailure.cooldown {
                            return "cooldown"
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == "sent" }.count == 1)
            #expect(outcomes.filter { $0 == "cooldown" }.count == 9)
            #expect(try await world.count(BindChallenge.self) == 1)
        }
    }

    @Test func twoIdentitiesOfOneAppBindingToOneAccountAtOnceGiveOneBindingAndOneConflict() async throws {
        try await LoginWorld.with { world in
            try await User(contact: .phone("13800138000"), displayName: "已有账号").create(on: world.server.db)
            let first = try await world.requestBindCode(as: "u2", contact: "13800138000")
            let firstCode = try await world.latestCode(for: "13800138000")
            let second = try await world.requestBindCode(as: "u3", contact: "13800138000")
            let secondCode = try await world.latestCode(for: "13800138000")
            let (a, b) = (try await world.sentChallenge(first), try await world.sentChallenge(second))
            #expect(a.identityID != b.identityID)
            let (serviceA, serviceB) = (world.bindService(loop: 0), world.bindService(loop: 1))
            async let one = serviceA.verify(challengeID: a.challengeID, identityID: a.identityID, typed: firstCode)
            async let two = serviceB.verify(challengeID: b.challengeID, identityID: b.identityID, typed: secondCode)
            let outcomes = [try await one, try await two]
            #expect(outcomes.filter { if case .bound = $0 { true } else { false } }.count == 1)
            #expect(outcomes.filter { $0 == .conflict }.count == 1)
            let user = try #require(try await User.query(on: world.server.db).first())
            let linked = try await WeChatIdentity.query(on: world.server.db).filter(\.$user.$id == user.requireID()).all()
            #expect(linked.count == 1)
            #expect(try await world.count(User.self) == 1)
        }
    }

    @Test func theDatabaseRefusesASecondIdentityOfOneAppOnOneAccount() async throws {
        try await LoginWorld.with { world in
            _ = try await world.browser().pcLogin(as: "u2")
            _ = try await world.browser().pcLogin(as: "u3")
            let user = User(contact: .phone("13800138000"), displayName: nil)
            try await user.create(on: world.server.db)
            let identities = try await WeChatIdentity.query(on: world.server.db).all()
            #expect(identities.count == 2 && Set(identities.map(\.appID)).count == 1)
            let sql = try world.server.db.sql()
            try await sql.update(WeChatIdentity.schema).set("user_id", to: user.requireID())
                .where("id", .equal, identities[0].requireID()).run()
            await #expect(throws: (any Error).self) {
                try await sql.update(WeChatIdentity.schema).set("user_id", to: user.requireID())
                    .where("id", .equal, identities[1].requireID()).run()
            }
        }
    }

    @Test func theIndexMigrationStopsAtAnEarlierDuplicateAndNamesTheQuery() async throws {
        try await LoginWorld.with { world in
            _ = try await world.browser().pcLogin(as: "u2")
            _ = try await world.browser().pcLogin(as: "u3")
            let user = User(contact: .phone("13800138000"), displayName: nil)
            try await user.create(on: world.server.db)
            let migration = AddOneIdentityPerAppIndex()
            try await migration.revert(on: world.server.db)
            // What a race could write before the index existed.
            try await WeChatIdentity.query(on: world.server.db).set(\.$user.$id, to: user.requireID()).update()
            let error = await #expect(throws: AddOneIdentityPerAppIndex.DuplicateBindings.self) {
                try await migration.prepare(on: world.server.db)
            }
            #expect(error?.description.contains("HAVING COUNT(*) > 1") == true)
            #expect(try await WeChatIdentity.query(on: world.server.db).filter(\.$user.$id != nil).count() == 2,
                    "nothing was changed")
            let one = try #require(try await WeChatIdentity.query(on: world.server.db).first())
            one.$user.id = nil
            try await one.save(on: world.server.db)
            try await migration.prepare(on: world.server.db)
        }
    }

    @Test func concurrentUnbindsOfAnAccountsTwoIdentitiesLeaveOne() async throws {
        try await LoginWorld.with { world in
            let pc = world.browser()
            _ = try await pc.pcLogin(as: "u1")
            _ = try await pc.bind(contact: "13800138000")
            let user = try #require(try await User.query(on: world.server.db).first())
            let accounts = AccountService(database: world.server.db)
            for round in 1...3 {
                // Both identities on the account: the in-WeChat one (or the unbound one) joins by unionid.
                _ = try await world.browser(userAgent: Browser.weChatUserAgent).weChatLogin(as: "u1")
                _ = try await world.browser().pcLogin(as: "u1")
                let identities = try await accounts.identities(of: user)
                try #require(identities.count == 2, "round \(round) starts with two identities")
                let ids = try identities.map { try $0.requireID() }
                let results = await withTaskGroup(of: Bool.self) { group in
                    for (index, id) in ids.enumerated() {
                        let accounts = AccountService(database: world.database(loop: index))
                        let now = world.clock.now()
                        group.addTask { (try? await accounts.unbind(identityID: id, from: user, now: now)) != nil }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results.filter { $0 }.count == 1, "round \(round): one unbind, one refusal")
                #expect(try await accounts.identities(of: user).count == 1, "round \(round): a way to sign in stays")
                #expect(try await EventLog(database: world.server.db).after(0, limit: 1000)
                    .filter { $0.type == EventType.identityUnbound.rawValue }.count == round, "round \(round): one event per unbind")
            }
        }
    }

    @Test func aUnionIDLoginDoesNotJoinAnAccountThatHasAnIdentityOfThatApp() async throws {
        try await LoginWorld.with { world in
            // The account has u2's official-account identity, then u1's website identity.
            let u2Phone = world.browser(userAgent: Browser.weChatUserAgent)
            _ = try await u2Phone.weChatLogin(as: "u2")
            _ = try await u2Phone.bind(contact: "13800138000")
            let pc = world.browser()
            _ = try await pc.pcLogin(as: "u1")
            #expect(try await pc.bind(contact: "13800138000").location == "/account")
            // u1 in WeChat: the sibling's account already has an official-account identity.
            let callback = try await world.browser(userAgent: Browser.weChatUserAgent).weChatLogin(as: "u1")
            #expect(callback.location == "/bind", "no join, and no failed login")
            let user = try #require(try await User.query(on: world.server.db).first())
            let linked = try await WeChatIdentity.query(on: world.server.db).filter(\.$user.$id == user.requireID()).all()
            #expect(linked.map(\.appKind).sorted() == ["officialAccount", "website"])
        }
    }

    @Test func bindingDoesNotJoinAUnionIDSiblingOfAnAppTheAccountHas() async throws {
        try await LoginWorld.with { world in
            // u1's in-WeChat identity waits unbound; u2's in-WeChat identity holds the account.
            _ = try await world.browser(userAgent: Browser.weChatUserAgent).weChatLogin(as: "u1")
            let u2Phone = world.browser(userAgent: Browser.weChatUserAgent)
            _ = try await u2Phone.weChatLogin(as: "u2")
            _ = try await u2Phone.bind(contact: "13800138000")
            // u1 binds the website identity to that account: its unbound sibling must stay out.
            let pc = world.browser()
            _ = try await pc.pcLogin(as: "u1")
            let bound = try await pc.bind(contact: "13800138000")
            #expect(bound.location == "/account")
            let user = try #require(try await User.query(on: world.server.db).first())
            let linked = try await WeChatIdentity.query(on: world.server.db).filter(\.$user.$id == user.requireID()).all()
            #expect(linked.map(\.appKind).sorted() == ["officialAccount", "website"])
            #expect(try await WeChatIdentity.query(on: world.server.db).filter(\.$user.$id == nil).count() == 1)
        }
    }
}
