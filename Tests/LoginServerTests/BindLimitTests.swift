import Fluent
import Foundation
import SQLKit
import Testing
@testable import LoginServer

/// The caps on codes sent and wrong codes tried, per address and per account, per hour and per day.
@Suite(.serialized) struct BindLimitTests {
    private static let phone = "13800138000"

    /// Seconds until the next multiple of `length` (a UTC window's end) from the world's clock.
    private func untilWindowEnd(_ world: LoginWorld, _ length: Int) -> Int {
        let now = Int(world.clock.now().timeIntervalSince1970.rounded(.down))
        return length - now % length
    }

    @Test func theCodeCapsPerAddressRefuseTheNextCodeUntilTheirWindowEnds() async throws {
        try await LoginWorld.with(adjust: {
            $0.bindLimits.codesPerAddressPerHour = 2
            $0.bindLimits.codesPerAddressPerDay = 3
            // One browser watches the windows roll over, so its pending binding must outlive them.
            $0.pendingBindingLifetime = 3 * 86_400
        }) { world in
            // Stay clear of a day's and an hour's end, so neither rolls over before the test moves the clock.
            let untilTomorrow = untilWindowEnd(world, 86_400)
            if untilTomorrow < 3 * 3600 { world.clock.advance(by: Double(untilTomorrow + 600)) }
            if untilWindowEnd(world, 3600) < 600 { world.clock.advance(by: 600) }
            let first = try await world.requestBindCode(as: "u1", contact: Self.phone)
            #expect(first.challengeID != nil)
            world.clock.advance(by: 61)
            #expect(try await world.requestBindCode(first.browser, contact: Self.phone).challengeID != nil)
            world.clock.advance(by: 61)
            let refused = try await world.requestBindCode(first.browser, contact: Self.phone)
            #expect(refused.answer.status == 429)
            #expect(refused.answer.body.contains("验证码太多了"))
            let retryAfter = try #require(refused.answer.headers.first(name: "Retry-After").flatMap { Int($0) })
            #expect(retryAfter == untilWindowEnd(world, 3600))
            #expect(world.logs.all.contains { $0.contains("bind limit reached") && $0.contains("code.address.hour") })
            #expect(!world.logs.all.contains { $0.contains("bind limit") && $0.contains(Self.phone) }, "no address in logs")
            // Another WeChat identity gets no fresh allowance for the same address.
            let other = try await world.requestBindCode(as: "u2", contact: Self.phone)
            #expect(other.answer.status == 429)
            #expect(try await world.count(BindChallenge.self) == 2, "nothing was written for the refused requests")
            #expect(try await world.count(OutboxMessage.self) == 2, "and nothing sent")
            // Another address is not affected.
            #expect(try await world.requestBindCode(other.browser, contact: "alice@example.com").challengeID != nil)

            // The next hour allows a third code; the fourth meets the day's cap.
            world.clock.advance(by: Double(retryAfter))
            #expect(try await world.requestBindCode(first.browser, contact: Self.phone).challengeID != nil)
            world.clock.advance(by: 61)
            let daily = try await world.requestBindCode(first.browser, contact: Self.phone)
            #expect(daily.answer.status == 429)
            #expect(daily.answer.headers.first(name: "Retry-After").flatMap { Int($0) } == untilWindowEnd(world, 86_400))
            #expect(world.logs.all.contains { $0.contains("bind limit reached") && $0.contains("code.address.day") })
            world.clock.advance(by: Double(untilWindowEnd(world, 86_400)))
            #expect(try await world.requestBindCode(first.browser, contact: Self.phone).challengeID != nil)
        }
    }

    @Test func codesToAnyAddressOfOneAccountShareTheAccountsCap() async throws {
        try await LoginWorld.with(adjust: { $0.bindLimits.codesPerAccountPerHour = 2 }) { world in
            if untilWindowEnd(world, 3600) < 600 { world.clock.advance(by: 600) }
            try await User(contact: .phone(Self.phone), displayName: nil).create(on: world.server.db)
            let user = try #require(try await User.query(on: world.server.db).first())
            user.email = "victim@example.com"
            try await user.save(on: world.server.db)
            #expect(try await world.requestBindCode(as: "u1", contact: Self.phone).challengeID != nil)
            #expect(try await world.requestBindCode(as: "u2", contact: "victim@example.com").challengeID != nil)
            let refused = try await world.requestBindCode(as: "u3", contact: "victim@example.com")
            #expect(refused.answer.status == 429)
            #expect(world.logs.all.contains { $0.contains("bind limit reached") && $0.contains("code.account.hour") })
        }
    }

    @Test func wrongCodesAgainstOneAccountAreCountedAcrossAttackersAndAddresses() async throws {
        try await LoginWorld.with(adjust: {
            $0.bindLimits.failuresPerAccountPerHour = 3
            $0.pendingBindingLifetime = 3 * 86_400  // the attacker's browser outlives the hour
        }) { world in
            if untilWindowEnd(world, 3600) < 1200 { world.clock.advance(by: 1200) }
            // The victim's account has a phone and an email.
            let victim = world.browser()
            _ = try await victim.pcLogin(as: "u1")
            _ = try await victim.bind(contact: Self.phone)
            let user = try #require(try await User.query(on: world.server.db).first())
            user.email = "victim@example.com"
            try await user.save(on: world.server.db)

            // Attacker u2 guesses twice at the phone, attacker u3 once at the email: the account's three.
            let byPhone = try await world.requestBindCode(as: "u2", contact: Self.phone)
            let phoneCode = try await world.latestCode(for: Self.phone)
            let byEmail = try await world.requestBindCode(as: "u3", contact: "victim@example.com")
            let emailCode = try await world.latestCode(for: "victim@example.com")
            func guess(_ request: LoginWorld.BindCodeRequest, _ code: String) async throws -> Browser.Result {
                try await request.browser.post("\(LoginWorld.serverBase)/bind/verify", form: [
                    ("challenge", request.challengeID?.uuidString ?? ""), ("code", code), ("csrf", request.csrf)])
            }
            #expect(try await guess(byPhone, LoginWorld.wrongCode(phoneCode)).status == 400)
            #expect(try await guess(byPhone, LoginWorld.wrongCode(phoneCode)).status == 400)
            #expect(try await guess(byEmail, LoginWorld.wrongCode(emailCode)).status == 400)
            // The fourth is refused before any comparison: even the right code.
            let refused = try await guess(byEmail, emailCode)
            #expect(refused.status == 429)
            #expect(refused.body.contains("输错验证码的次数太多了"))
            let retryAfter = try #require(refused.headers.first(name: "Retry-After").flatMap { Int($0) })
            #expect(retryAfter == untilWindowEnd(world, 3600))
            #expect(world.logs.all.contains { $0.contains("bind limit reached") && $0.contains("fail.account.hour") })
            let challenge = try #require(try await BindChallenge.find(byEmail.challengeID, on: world.server.db))
            #expect(challenge.attempts == 1 && challenge.consumedAt == nil, "the refused attempt counted nowhere")
            #expect(try await WeChatIdentity.query(on: world.server.db).filter(\.$user.$id != nil).count() == 1)

            // After the window a new code can be tried again.
            world.clock.advance(by: Double(retryAfter))
            let later = try await world.requestBindCode(byEmail.browser, contact: "victim@example.com")
            #expect(try await guess(later, LoginWorld.wrongCode(try await world.latestCode(for: "victim@example.com")))
                .status == 400)
        }
    }

    @Test func concurrentWrongCodesFromManyAttackersNeverPassTheAddressCap() async throws {
        try await LoginWorld.with(adjust: { $0.bindLimits.failuresPerAddressPerHour = 3 }) { world in
            if untilWindowEnd(world, 3600) < 600 { world.clock.advance(by: 600) }
            var challenges: [(challengeID: UUID, identityID: UUID, wrong: String)] = []
            for user in ["u1", "u2", "u3"] {
                let request = try await world.requestBindCode(as: user, contact: Self.phone)
                let (challengeID, identityID) = try await world.sentChallenge(request)
                challenges.append((challengeID, identityID, LoginWorld.wrongCode(try await world.latestCode(for: Self.phone))))
            }
            let outcomes = try await withThrowingTaskGroup(of: BindService.Verification.self) { group in
                for index in 0..<15 {
                    let (challengeID, identityID, wrong) = challenges[index % challenges.count]
                    let service = world.bindService(loop: index)
                    group.addTask { try await service.verify(challengeID: challengeID, identityID: identityID, typed: wrong) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .wrongCode = $0 { true } else { false } }.count == 3)
            #expect(outcomes.filter { if case .limited = $0 { true } else { false } }.count == 12)
            let attempts = try await BindChallenge.query(on: world.server.db).all().map(\.attempts).reduce(0, +)
            #expect(attempts == 3, "only the three compared guesses were counted on the challenges")
        }
    }

    @Test func aCodeTheGatewayRefusedDoesNotCount() async throws {
        struct RefusingSender: CodeSender {
            struct Refused: Error {}
            func send(_ code: OneTimeCode, to contact: ContactAddress, language: Language, lifetime: TimeInterval)
                async throws { throw Refused() }
            func sendNotice(_ message: String, to contact: ContactAddress, language: Language) async throws {
                throw Refused()
            }
        }
        try await LoginWorld.with(adjust: { $0.bindLimits.codesPerAddressPerHour = 1 }) { world in
            if untilWindowEnd(world, 3600) < 600 { world.clock.advance(by: 600) }
            _ = try await world.browser().pcLogin(as: "u1")
            let identityID = try #require(try await WeChatIdentity.query(on: world.server.db).first()).requireID()
            let refusing = world.services.binding.service(on: world.server.db, sender: RefusingSender())
            await #expect(throws: RefusingSender.Refused.self) {
                try await refusing.start(identityID: identityID, contact: .phone(Self.phone), language: .chinese)
            }
            _ = try await world.bindService().start(identityID: identityID, contact: .phone(Self.phone),
                                                    language: .chinese)
            #expect(try await world.count(BindChallenge.self) == 1)
        }
    }

    @Test func aRightCodeDoesNotCountAsAFailure() async throws {
        try await LoginWorld.with(adjust: { $0.bindLimits.failuresPerAddressPerHour = 1 }) { world in
            if untilWindowEnd(world, 3600) < 600 { world.clock.advance(by: 600) }
            let first = world.browser()
            _ = try await first.pcLogin(as: "u1")
            #expect(try await first.bind(contact: Self.phone).location == "/account")
            // The address's one failure is still there to be had: a typo is answered as a typo.
            let second = try await world.requestBindCode(as: "u2", contact: Self.phone)
            let code = try await world.latestCode(for: Self.phone)
            let typo = try await second.browser.post("\(LoginWorld.serverBase)/bind/verify", form: [
                ("challenge", second.challengeID?.uuidString ?? ""), ("code", LoginWorld.wrongCode(code)),
                ("csrf", second.csrf)])
            #expect(typo.status == 400)
        }
    }
}
