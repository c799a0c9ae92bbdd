import Fluent
import Foundation
import Testing
import Vapor
@testable import LoginServer

/// The stores that own the tables: the identity upsert the sign-in flow calls, and the batched inserts that have one
/// code path whether or not the application's batcher is handed in. On PostgreSQL (`TEST_DATABASE_URL`) the
/// concurrent cases really run at once.
@Suite(.serialized) struct StoreTests {
    private func upsert(_ world: LoginWorld, appID: String, openID: String, unionID: String?,
                        nickname: String?, token: String = "sealed") -> IdentityStore.Upsert {
        let now = world.clock.now()
        return .init(appID: appID, openID: openID, unionID: unionID,
                     appKind: appID == world.websiteAppID ? .website : .officialAccount,
                     nickname: nickname, avatarURL: nil, scopes: "snsapi_login", isSnapshotUser: false,
                     accessTokenSealed: "\(token)-a", accessTokenExpiresAt: now.addingTimeInterval(7200),
                     refreshTokenSealed: "\(token)-r", refreshTokenExpiresAt: now.addingTimeInterval(86_400), now: now)
    }

    @Test func anUpsertInsertsOnceThenUpdatesKeepingTheUserAndWhatTheProfileLeftOut() async throws {
        try await LoginWorld.with { world in
            let identities = IdentityStore(database: world.server.db)
            let first = try await identities.upsertInTransaction(
                upsert(world, appID: world.websiteAppID, openID: "o1", unionID: "u1", nickname: "张三"))
            #expect(first.userID == nil, "a new identity without a bound sibling needs binding")

            let user = User(contact: .phone("13800138000"), displayName: nil)
            try await UserStore(database: world.server.db).create(user)
            let stored = try #require(try await identities.find(first.id))
            try await identities.link(stored, to: user.requireID())

            let again = try await identities.upsertInTransaction(
                upsert(world, appID: world.websiteAppID, openID: "o1", unionID: nil, nickname: nil, token: "new"))
            #expect(try again.id == first.id && again.userID == user.requireID() && !again.joined)
            let row = try #require(try await identities.find(first.id))
            #expect(row.nickname == "张三" && row.unionID == "u1", "a missing nickname or unionid keeps the one on file")
            #expect(row.accessTokenSealed == "new-a" && row.refreshTokenSealed == "new-r")
            #expect(try await world.count(WeChatIdentity.self) == 1)
        }
    }

    @Test func anUpsertJoinsTheUnionidSiblingsUserOnlyWhenThatUserHasNoIdentityOfThisApp() async throws {
        try await LoginWorld.with { world in
            let identities = IdentityStore(database: world.server.db)
            let users = UserStore(database: world.server.db)
            let user = User(contact: .phone("13800138000"), displayName: nil)
            try await users.create(user)
            let website = try await identities.upsertInTransaction(
                upsert(world, appID: world.websiteAppID, openID: "w1", unionID: "u1", nickname: nil))
            try await identities.link(try #require(try await identities.find(website.id)), to: user.requireID())

            let joined = try await identities.upsertInTransaction(
                upsert(world, appID: world.officialAccountID, openID: "a1", unionID: "u1", nickname: nil))
            #expect(joined.userID == user.id, "the same person in the other app joins the account")
            #expect(joined.joined && !website.joined)

            // A second website openid with the same unionid: the account already has a website identity.
            let other = try await identities.upsertInTransaction(
                upsert(world, appID: world.websiteAppID, openID: "w2", unionID: "u1", nickname: nil))
            #expect(other.userID == nil)
        }
    }

    @Test func concurrentUpsertsOfOneNewIdentityWriteOneRow() async throws {
        try await LoginWorld.with { world in
            let identities = IdentityStore(database: world.server.db)
            let item = upsert(world, appID: world.websiteAppID, openID: "o1", unionID: "u1", nickname: "张三")
            let ids = try await withThrowingTaskGroup(of: UUID.self) { group in
                for _ in 0..<16 { group.addTask { try await identities.upsertInTransaction(item).id } }
                return try await group.reduce(into: Set<UUID>()) { $0.insert($1) }
            }
            #expect(ids.count == 1, "every caller got the same identity")
            #expect(try await world.count(WeChatIdentity.self) == 1)
        }
    }

    @Test func concurrentPushesWithOneNonceAreNewOnceThroughTheStoresBatcher() async throws {
        try await LoginWorld.with { world in
            // Built without the application's batcher: the store makes its own, so there is one code path.
            let store = DatabaseNonceStore(database: world.server.db, clock: world.clock)
            let answers = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<24 { group.addTask { try await store.insertIfNew(nonce: "n1", timestamp: 1) } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(answers.filter { $0 }.count == 1, "one push is new, every other one is a replay")
            #expect(await store.inserts.items == 24, "every insert went through the batcher")
            #expect(await store.inserts.batches < 24, "concurrent inserts shared statements")
            #expect(try await world.count(table: "push_nonces") == 1)
        }
    }

    @Test func aSessionStoreWithoutTheApplicationsBatcherStillWritesThroughOne() async throws {
        try await LoginWorld.with { world in
            let store = LoginSessionStore(database: world.server.db, clock: world.clock, lifetime: 3600)
            let id = try await store.create(SessionData(initialData: ["uid": "x"]))
            #expect(await store.inserts.items == 1)
            #expect(try await store.read(id)?["uid"] == "x")
            world.clock.advance(by: 3601)
            #expect(try await LoginSessionStore.sweep(expiredBefore: world.clock.now(), on: world.server.db) == 1)
            #expect(try await world.count(table: "login_sessions") == 0)
        }
    }

    @Test func aDeliveryReportForAnUnknownMessageIsKeptForTheSendToApply() async throws {
        try await LoginWorld.with { world in
            let queue = TemplateMessageQueue(database: world.server.db, clock: world.clock)
            let report = TemplateMessageQueue.DeliveryReport(
                appID: world.officialAccountID, msgID: 42, status: .success, at: world.clock.now())
            let applied = try await queue.apply(report)
            #expect(!applied, "no sent message has that msgid yet")
            #expect(await queue.deliveryReports.items == 1, "applied through the batcher")
        }
    }
}

extension IdentityStore {
    /// The login's upsert as the sign-in runs it: inside a write transaction (on PostgreSQL its savepoint needs one).
    func upsertInTransaction(_ identity: Upsert) async throws -> Upserted {
        try await database.writeTransaction { try await IdentityStore(database: $0).upsert(identity) }
    }
}
