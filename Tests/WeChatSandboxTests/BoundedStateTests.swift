import Foundation
import Testing
@testable import WeChatSandbox

/// The sandbox forgets what WeChat forgets and keeps a bounded history of the rest, so its cost per message and per
/// login does not grow with what it has seen (issue 17); lookups by id, token and key still work after a purge.
struct BoundedStateTests {
    let start = Date(timeIntervalSince1970: 1_700_000_000)
    let oa = SandboxConfiguration.defaultOfficialAccountID

    @Test func pushesKeepTheNewestHistoryAndAreStillFoundByID() async {
        var configuration = SandboxConfiguration()
        configuration.limits.pushHistory = 500
        let state = SandboxState(configuration: configuration)
        let history = configuration.limits.pushHistory
        for _ in 0..<(2 * history + 1) {
            _ = await state.recordPush(appID: oa, userID: "u1", kind: .subscribe, canDeliver: false, now: start)
        }
        let pushes = await state.listPushes()
        #expect(pushes.count == history + 1, "the oldest \(history) were dropped at once")
        #expect(pushes.first?.id == history + 1)
        #expect(pushes.last?.id == 2 * history + 1, "ids keep counting")
        #expect(await state.push(id: history) == nil, "a dropped push is gone")
        await state.updatePush(id: 2 * history + 1, delivery: "acknowledged", attempts: 1, responseStatus: 200, error: nil)
        #expect(await state.push(id: 2 * history + 1)?.delivery == "acknowledged")
        #expect(await state.push(id: history + 1)?.id == history + 1)
    }

    @Test func expiredClientMessageIDsAreForgottenAndALiveOneStillDeduplicates() async throws {
        let state = SandboxState(configuration: SandboxConfiguration())
        let app = try #require(await state.apps[oa])
        let template = try #require(app.templates.first).id
        let openID = state.openID(userID: "u1", appID: oa)
        func send(_ key: String, at now: Date) async throws -> Int64 {
            try await state.sendTemplate(app: app, request: TemplateSendRequest(
                touser: openID, templateID: template, url: nil, clientMsgID: key, data: [:]), now: now).msgID
        }
        for index in 0..<SandboxState.purgeThreshold { _ = try await send("old-\(index)", at: start) }
        let later = start.addingTimeInterval(SandboxConfiguration().lifetimes.clientMsgIDWindow + 1)
        let first = try await send("new", at: later)
        #expect(await state.dedup.count == 1, "every entry past its window was dropped")
        #expect(try await send("new", at: later) == first, "a live client_msg_id still gives the same msgid")
    }

    @Test func grantsPastTheirRefreshTokenAreForgottenWithTheirLookups() async throws {
        let state = SandboxState(configuration: SandboxConfiguration())
        let web = SandboxConfiguration.defaultWebsiteAppID
        let secret = try #require(await state.apps[web]).secret
        func signIn(at now: Date) async throws -> SnsTokenGrantView {
            let code = await state.issueCode(appID: web, userID: "u1", scope: "snsapi_login", now: now)
            return try await state.exchange(appID: web, secret: secret, code: code, now: now)
        }
        let old = try await signIn(at: start)
        for _ in 1..<SandboxState.purgeThreshold { _ = try await signIn(at: start) }
        let later = start.addingTimeInterval(SandboxConfiguration().lifetimes.snsRefreshToken + 1)
        let fresh = try await signIn(at: later)
        #expect(await state.grants.count == 1)
        #expect(await state.grantByAccess.count == 1)
        #expect(await state.grantByRefresh.count == 1)
        #expect(await state.grantByAccess[old.accessToken] == nil)
        let grant = try await state.snsGrant(accessToken: fresh.accessToken, now: later)
        #expect(grant.userID == "u1", "the live grant is still found by its token")
    }

    @Test func aPhoneInboxKeepsTheNewestMessages() async throws {
        var configuration = SandboxConfiguration()
        configuration.limits.inboxLength = 300
        let state = SandboxState(configuration: configuration)
        let kept = configuration.limits.inboxLength
        let app = try #require(await state.apps[oa])
        let template = try #require(app.templates.first).id
        let openID = state.openID(userID: "u1", appID: oa)
        var last: Int64 = 0
        for _ in 0..<(2 * kept + 1) {
            last = try await state.sendTemplate(app: app, request: TemplateSendRequest(
                touser: openID, templateID: template, url: nil, clientMsgID: nil, data: [:]), now: start).msgID
        }
        let inbox = await state.messages(userID: "u1")
        #expect(inbox.count == kept + 1)
        #expect(inbox.last?.msgid == last, "newest last")
    }

    @Test func allInboxesTogetherKeepTheNewestMessagesWhoeverHoldsThem() async throws {
        var configuration = SandboxConfiguration()
        configuration.limits.inboxTotal = 50
        let state = SandboxState(configuration: configuration)
        let app = try #require(await state.apps[oa])
        let template = try #require(app.templates.first).id
        let people = ["u1", "u2", "u3"]
        _ = await state.setFollowing(true, appID: oa, userID: "u3", now: start)
        await state.setFlags(appID: oa, userID: "u2", blocked: nil, refusesMessages: false, systemFails: nil, now: start)
        // u1 gets the first 40 messages alone, then all three in turn: 40 + 3 × 20 = 100 = twice the bound.
        var sent: [(person: String, msgID: Int64)] = []
        func send(to person: String) async throws {
            let msgID = try await state.sendTemplate(app: app, request: TemplateSendRequest(
                touser: state.openID(userID: person, appID: oa), templateID: template, url: nil, clientMsgID: nil,
                data: [:]), now: start).msgID
            sent.append((person, msgID))
        }
        for _ in 0..<40 { try await send(to: "u1") }
        for _ in 0..<19 { for person in people { try await send(to: person) } }
        #expect(await state.inboxCount == 97, "nothing dropped below twice the bound")
        try await send(to: "u1"); try await send(to: "u2"); try await send(to: "u3")
        let newest = sent.suffix(50)
        #expect(await state.inboxCount == 50)
        for person in people {
            let inbox = await state.messages(userID: person).map(\.msgid)
            #expect(inbox == newest.filter { $0.person == person }.map(\.msgID), "\(person) keeps its newest, in order")
        }
        // A purge that empties every inbox drops them; the next message starts a phone's inbox afresh.
        await state.trimInboxes(keepingFrom: await state.nextInboxSequence)
        #expect(await state.inbox.isEmpty, "inboxes left empty are dropped")
        #expect(await state.inboxCount == 0)
        try await send(to: "u2")
        #expect(await state.messages(userID: "u2").map(\.msgid) == [sent.last!.msgID])
    }
}
