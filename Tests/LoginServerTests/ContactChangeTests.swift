import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
@testable import LoginServer

/// A signed-in person changes their phone or email (issue 18): a code to the new address with binding's limits and
/// caps, the change and its `contact.changed` event in one transaction, a notice to the old address, refusals when
/// the address is someone else's (when asking, and by the unique index at commit). SQLite, or PostgreSQL with
/// `TEST_DATABASE_URL`.
@Suite(.serialized) struct ContactChangeTests {
    static let oldPhone = "13800138000"
    static let newPhone = "13900139000"

    /// A browser signed in as `user` with `phone` bound.
    static func signedIn(_ world: LoginWorld, as user: String, phone: String) async throws -> Browser {
        let browser = world.browser()
        _ = try await browser.pcLogin(as: user)
        _ = try await browser.bind(contact: phone)
        return browser
    }

    /// A JSON POST to the API with the session's CSRF header (`csrf: false` leaves it out); the answer is checked
    /// against the served OpenAPI document (status, headers, body schema).
    static func apiPost(_ browser: Browser, _ path: String, _ json: String, csrf: Bool = true) async throws
        -> Browser.Result {
        let me = try await browser.get("\(LoginWorld.serverBase)/api/me")
        let token = try #require(me.json["csrfToken"] as? String)
        let result = try await browser.send(.POST, "\(LoginWorld.serverBase)\(path)", body: json,
                                            contentType: "application/json",
                                            headers: csrf ? [("X-CSRF-Token", token)] : [])
        let contract = try await OpenAPIDocumentTests.served(browser.world)
        let problems = contract.problems("POST", path, status: result.status,
                                         headers: result.headers.map { ($0.name, $0.value) }, body: result.body)
        #expect(problems.isEmpty, "\(path) \(result.status): \(problems)")
        return result
    }

    /// The development outbox's messages to `destination`, newest first.
    static func outbox(_ world: LoginWorld, to destination: String) async throws -> [[String: Any]] {
        let answer = try await world.browser().get(
            "\(LoginWorld.serverBase)/dev/outbox.json?destination=\(Browser.encode(destination))")
        return (try JSONSerialization.jsonObject(with: Data(answer.body.utf8))) as? [[String: Any]] ?? []
    }

    static func changedEvents(_ world: LoginWorld) async throws -> [StoredEvent] {
        try await EventLog(database: world.server.db).after(0, limit: 10_000).filter { $0.type == "contact.changed" }
    }

    @Test func aPhoneIsChangedOnTheAccountPageAndTheOldOneIsNotified() async throws {
        try await LoginWorld.with { world in
            let browser = try await Self.signedIn(world, as: "u1", phone: Self.oldPhone)
            let page = try await browser.get("\(LoginWorld.serverBase)/account")
            #expect(page.body.contains("更改手机号或邮箱"))
            let csrf = try #require(page.input("csrf"))
            let forged = try await browser.post("\(LoginWorld.serverBase)/account/contact/code",
                                                form: [("contact", Self.newPhone)])
            #expect(forged.status == 403, "a form without the CSRF token is refused")
            #expect(try await Self.outbox(world, to: Self.newPhone).isEmpty)

            let sent = try await browser.post("\(LoginWorld.serverBase)/account/contact/code",
                                              form: [("contact", Self.newPhone), ("csrf", csrf)])
            let location = try #require(sent.location)
            #expect(location.hasPrefix("/account/contact/verify?challenge="))
            let form = try await browser.get(LoginWorld.serverBase + location)
            #expect(form.status == 200 && form.body.contains("139****9000"))
            let challenge = try #require(Browser.query(LoginWorld.serverBase + location, "challenge"))
            let code = try await world.latestCode(for: Self.newPhone)
            let wrong = try await browser.post("\(LoginWorld.serverBase)/account/contact/verify",
                form: [("challenge", challenge), ("code", LoginWorld.wrongCode(code)), ("csrf", csrf)])
            #expect(wrong.status == 400 && wrong.body.contains("还可以尝试 4 次"))
            let forgedVerify = try await browser.post("\(LoginWorld.serverBase)/account/contact/verify",
                form: [("challenge", challenge), ("code", code)])
            #expect(forgedVerify.status == 403)
            let done = try await browser.post("\(LoginWorld.serverBase)/account/contact/verify",
                form: [("challenge", challenge), ("code", code), ("csrf", csrf)])
            #expect(done.location == "/account?notice=contact_changed")

            let user = try #require(try await User.query(on: world.server.db).first())
            #expect(user.phone == Self.newPhone)
            let notices = try await Self.outbox(world, to: Self.oldPhone)
            #expect(notices.first?["code"] == nil, "the old address gets a notice without a code")
            #expect((notices.first?["body"] as? String)?.contains("手机号已更改") == true)
            let events = try await Self.changedEvents(world)
            #expect(events.count == 1)
            #expect(events.first?.payload.contains(#""field":"phone""#) == true)
            #expect(events.first.map { !$0.payload.contains(Self.newPhone) && !$0.payload.contains(Self.oldPhone) } == true,
                    "the event names the field, never the addresses")
            let again = try await browser.post("\(LoginWorld.serverBase)/account/contact/verify",
                form: [("challenge", challenge), ("code", code), ("csrf", csrf)])
            #expect(again.status == 400, "a used code changes nothing more")
            // The server's own lines (not the database driver's debug traces, nor the test's reads of the outbox).
            let leaks = world.logs.all.filter { !$0.hasPrefix("debug") && !$0.contains("outbox") && $0.contains(Self.newPhone) }
            #expect(leaks.isEmpty, "no address in the logs: \(leaks)")
        }
    }

    @Test func anEmailIsAddedThenChangedThroughTheAPI() async throws {
        try await LoginWorld.with { world in
            let browser = try await Self.signedIn(world, as: "u1", phone: Self.oldPhone)
            let noCSRF = try await Self.apiPost(browser, "/api/me/contact/code", #"{"contact":"a@example.com"}"#, csrf: false)
            #expect(noCSRF.status == 403)
            let malformed = try await Self.apiPost(browser, "/api/me/contact/code", #"{"contact":"not an address"}"#)
            #expect(malformed.status == 400 && malformed.json["error"] as? Bool == true)
            let same = try await Self.apiPost(browser, "/api/me/contact/code", #"{"contact":"\#(Self.oldPhone)"}"#)
            #expect(same.status == 409)

            // Adding the email the account lacks is the same flow; there is no old address to notify.
            let added = try await Self.apiPost(browser, "/api/me/contact/code", #"{"contact":"A@Example.com"}"#)
            #expect(added.status == 202 && added.json["field"] as? String == "email")
            let first = try #require(added.json["challenge_id"] as? String)
            let addedCode = try await world.latestCode(for: "a@example.com")
            let me = try await Self.apiPost(browser, "/api/me/contact/verify",
                                            #"{"challenge_id":"\#(first)","code":"\#(addedCode)"}"#)
            #expect(me.status == 200)
            #expect((me.json["user"] as? [String: Any])?["email"] as? String == "a@example.com")
            #expect((me.json["user"] as? [String: Any])?["phone"] as? String == Self.oldPhone)

            world.clock.advance(by: 61)
            let changed = try await Self.apiPost(browser, "/api/me/contact/code", #"{"contact":"b@example.com"}"#)
            let second = try #require(changed.json["challenge_id"] as? String)
            let code = try await world.latestCode(for: "b@example.com")
            let done = try await Self.apiPost(browser, "/api/me/contact/verify",
                                              #"{"challenge_id":"\#(second)","code":"\#(code)"}"#)
            #expect((done.json["user"] as? [String: Any])?["email"] as? String == "b@example.com")
            let notice = try await Self.outbox(world, to: "a@example.com").first
            #expect(notice?["code"] == nil && (notice?["body"] as? String)?.contains("邮箱已更改") == true)
            #expect(try await Self.changedEvents(world).map { $0.payload.contains(#""field":"email""#) } == [true, true])
        }
    }

    @Test func anAddressOfAnotherAccountIsRefusedWhenAsking() async throws {
        try await LoginWorld.with { world in
            _ = try await Self.signedIn(world, as: "u1", phone: Self.oldPhone)
            let other = try await Self.signedIn(world, as: "u2", phone: Self.newPhone)
            let page = try await other.get("\(LoginWorld.serverBase)/account")
            let refused = try await other.post("\(LoginWorld.serverBase)/account/contact/code",
                form: [("contact", Self.oldPhone), ("csrf", try #require(page.input("csrf")))])
            #expect(refused.status == 409 && refused.body.contains("已属于另一个账号"))
            let api = try await Self.apiPost(other, "/api/me/contact/code", #"{"contact":"\#(Self.oldPhone)"}"#)
            #expect(api.status == 409 && api.json["error"] as? Bool == true)
            #expect(try await Self.outbox(world, to: Self.oldPhone).filter { $0["code"] != nil }.count == 1,
                    "only the first user's binding code went to that address")
        }
    }

    @Test func twoPeopleClaimingOneAddressAtOnceOneWins() async throws {
        try await LoginWorld.with { world in
            let target = "13700137000"
            var challenges: [(User, UUID, String)] = []
            for (user, phone) in [("u1", Self.oldPhone), ("u2", Self.newPhone)] {
                let browser = try await Self.signedIn(world, as: user, phone: phone)
                let sent = try await Self.apiPost(browser, "/api/me/contact/code", #"{"contact":"\#(target)"}"#)
                #expect(sent.status == 202, "nobody has the address yet")
                let id = try #require((sent.json["challenge_id"] as? String).flatMap(UUID.init(uuidString:)))
                let account = try #require(try await User.query(on: world.server.db).filter(\.$phone == phone).first())
                challenges.append((account, id, try await world.latestCode(for: target)))
            }
            let outcomes = try await withThrowingTaskGroup(of: ContactChangeService.Verification.self) { group in
                for (index, (user, id, code)) in challenges.enumerated() {
                    let service = ContactChangeService(binding: world.services.binding.service(
                        on: world.database(loop: index), sender: DiscardingCodeSender()))
                    group.addTask { try await service.verify(user: user, challengeID: id, typed: code, language: .english) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { if case .changed = $0 { true } else { false } }.count == 1)
            #expect(outcomes.contains(.taken))
            #expect(try await User.query(on: world.server.db).filter(\.$phone == target).count() == 1)
            #expect(try await Self.changedEvents(world).count == 1, "the loser's event rolled back with its change")
        }
    }

    @Test func wrongCodesCooldownAndCapsAreBindings() async throws {
        try await LoginWorld.with(adjust: { $0.bindLimits.codesPerAddressPerHour = 2 }) { world in
            let now = Int(world.clock.now().timeIntervalSince1970.rounded(.down))
            if 3600 - now % 3600 < 600 { world.clock.advance(by: 600) }
            let browser = try await Self.signedIn(world, as: "u1", phone: Self.oldPhone)
            let sent = try await Self.apiPost(browser, "/api/me/contact/code", #"{"contact":"\#(Self.newPhone)"}"#)
            let id = try #require(sent.json["challenge_id"] as? String)
            let code = try await world.latestCode(for: Self.newPhone)
            let cooldown = try await Self.apiPost(browser, "/api/me/contact/code", #"{"contact":"\#(Self.newPhone)"}"#)
            #expect(cooldown.status == 429)
            #expect(cooldown.headers.first(name: "Retry-After") == "60")

            var statuses: [Int] = []
            for _ in 0..<6 {
                statuses.append(try await Self.apiPost(browser, "/api/me/contact/verify",
                    #"{"challenge_id":"\#(id)","code":"\#(LoginWorld.wrongCode(code))"}"#).status)
            }
            #expect(statuses == [400, 400, 400, 400, 429, 429], "five attempts, the fifth wrong one ends the code")
            let late = try await Self.apiPost(browser, "/api/me/contact/verify", #"{"challenge_id":"\#(id)","code":"\#(code)"}"#)
            #expect(late.status == 429, "the right code no longer works")
            let challenge = try #require(try await BindChallenge.find(UUID(uuidString: id), on: world.server.db))
            #expect(challenge.attempts == 5 && challenge.purpose == "contact_change")
            #expect(try await User.query(on: world.server.db).first()?.phone == Self.oldPhone)

            // The per-address cap counts this address's codes, whatever they were for: one more, then refused.
            world.clock.advance(by: 61)
            let second = try await Self.apiPost(browser, "/api/me/contact/code", #"{"contact":"\#(Self.newPhone)"}"#)
            #expect(second.status == 202)
            world.clock.advance(by: 61)
            let capped = try await Self.apiPost(browser, "/api/me/contact/code", #"{"contact":"\#(Self.newPhone)"}"#)
            #expect(capped.status == 429 && capped.headers.first(name: "Retry-After") != nil)
            #expect(world.logs.all.contains { $0.contains("bind limit reached") && $0.contains("code.address.hour") })
            #expect(!world.logs.all.contains { $0.contains("bind limit") && $0.contains(Self.newPhone) }, "no address in logs")

            // Someone else's challenge id is unknown to this person.
            let stranger = try await Self.signedIn(world, as: "u2", phone: "13700137000")
            let foreign = try await Self.apiPost(stranger, "/api/me/contact/verify", #"{"challenge_id":"\#(id)","code":"\#(code)"}"#)
            #expect(foreign.status == 400)
        }
    }

    @Test func theGatewayGetsTheNoticeWithoutACode() async throws {
        let gateway = try await CodeWebhookTests.Gateway.start(status: .ok)
        do {
            try await LoginWorld.with { world in
                let sender = WebhookCodeSender(client: world.server.client, url: URI(string: gateway.url.absoluteString),
                                               logger: world.server.logger)
                try await sender.sendNotice("changed", to: .phone(Self.oldPhone), language: .english)
                let payload = try #require(gateway.payloads.first)
                #expect(payload == ["channel": "phone", "destination": Self.oldPhone, "message": "changed",
                                    "language": "en"], "the code gateway's JSON, without `code`")
            }
        } catch {
            try await gateway.stop()
            throw error
        }
        try await gateway.stop()
    }
}
