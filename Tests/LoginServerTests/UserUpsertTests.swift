import Fluent
import Foundation
import Testing
@testable import LoginServer

/// `UserStore.upsert`, the one SQL path of the admin API's upserts and the import, on the test database (SQLite, or
/// PostgreSQL with `TEST_DATABASE_URL`).
@Suite(.serialized) struct UserUpsertTests {
    static func item(_ id: String, phone: String? = nil, email: String? = nil, name: String? = nil) throws -> UserUpsert {
        try UserUpsert(externalID: id, phone: phone, email: email, name: name)
    }

    func users(_ world: LoginWorld, external id: String) async throws -> [User] {
        try await User.query(on: world.server.db).filter(\.$externalID == id).all()
    }

    @Test func theSameBatchTwiceIsTheSameUsers() async throws {
        try await LoginWorld.with { world in
            let store = UserStore(database: world.server.db)
            let batch = try [Self.item("u1", phone: "+8613800138001", email: "A@Example.com", name: "甲"),
                             Self.item("u2", email: "b@example.com")]
            let first = try await store.upsert(batch, now: world.clock.now())
            #expect(first.map(\.name) == ["created", "created"])
            let again = try await store.upsert(batch, now: world.clock.now())
            #expect(again == first.map { .unchanged($0.userID!) })
            #expect(try await world.count(User.self) == 2)

            let user = try #require(try await store.find(externalID: ExternalID(validating: "u1")))
            #expect(user.id == first[0].userID && user.phone == "13800138001" && user.email == "a@example.com")
            #expect(user.displayName == "甲" && user.createdAt != nil)
            // Found the way binding looks people up.
            #expect(try await store.find(.phone("13800138001"))?.id == user.id)
            #expect(try await store.find(.email("a@example.com"))?.id == user.id)

            world.clock.advance(by: 60)
            let renamed = try await store.upsert([Self.item("u1", name: "乙")], now: world.clock.now())
            #expect(renamed == [.updated(try user.requireID())])
            let after = try #require(try await store.find(try user.requireID()))
            #expect(after.displayName == "乙" && after.phone == "13800138001" && after.email == "a@example.com")
        }
    }

    @Test func canonicallyEquivalentIDsAreTwoUsers() async throws {
        try await LoginWorld.with { world in
            let store = UserStore(database: world.server.db)
            let outcomes = try await store.upsert([Self.item("\u{E9}"), Self.item("e\u{301}")], now: world.clock.now())
            #expect(outcomes.map(\.name) == ["created", "created"])
            #expect(try await store.find(externalID: ExternalID(validating: "e\u{301}"))?.id == outcomes[1].userID)
            #expect(try await store.upsert([Self.item("e\u{301}")], now: world.clock.now()) == [.unchanged(outcomes[1].userID!)])
        }
    }

    @Test func conflictsAreRejectedPerItemAndTheRestIsWritten() async throws {
        try await LoginWorld.with { world in
            let store = UserStore(database: world.server.db)
            _ = try await store.upsert([Self.item("a", phone: "13800138001"), Self.item("b", email: "b@example.com")],
                                       now: world.clock.now())
            let outcomes = try await store.upsert([
                Self.item("c", phone: "13800138001"),
                Self.item("d", phone: "13800138004"),
                Self.item("a", email: "b@example.com"),
                Self.item("d", name: "twice"),
            ], now: world.clock.now())
            #expect(outcomes.map(\.name) == ["rejected", "created", "rejected", "rejected"])
            #expect(try await world.count(User.self) == 3)
            #expect(try await users(world, external: "c").isEmpty)
            #expect(try await users(world, external: "a").first?.email == nil)
        }
    }

    @Test func adoptsAPersonWhoRegisteredByBinding() async throws {
        try await LoginWorld.with { world in
            let browser = world.browser()
            _ = try await browser.pcLogin(as: "u1")
            _ = try await browser.bind(contact: "13800138000", expectCreated: true)
            let registered = try #require(try await User.query(on: world.server.db).first())
            let outcomes = try await UserStore(database: world.server.db)
                .upsert([Self.item("biz-1", phone: "13800138000", email: "u1@example.com")], now: world.clock.now())
            #expect(outcomes == [.updated(try registered.requireID())])
            #expect(try await users(world, external: "biz-1").map(\.id) == [registered.id])
            #expect(try await world.count(User.self) == 1)
        }
    }

    /// Without contacts only the external id's unique index stands between the racers and a second user.
    @Test(arguments: [true, false]) func concurrentIdenticalUpsertsMakeOneUser(withContacts: Bool) async throws {
        try await LoginWorld.with { world in
            let item = withContacts ? try Self.item("same", phone: "13800138008", email: "same@example.com", name: "Same")
                : try Self.item("same", name: "Same")
            let outcomes = try await withThrowingTaskGroup(of: UserUpsert.Outcome.self) { group in
                for index in 0..<12 {
                    let store = UserStore(database: world.database(loop: index))
                    let now = world.clock.now()
                    group.addTask { try await store.upsert([item], now: now)[0] }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0.name == "created" }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0.name == "unchanged" }.count == 11, "\(outcomes)")
            #expect(Set(outcomes.compactMap(\.userID)).count == 1)
            #expect(try await users(world, external: "same").count == 1)
            #expect(try await world.count(User.self) == 1)
        }
    }

    @Test func concurrentUpsertsOfOnePhoneGiveItToOneUserAndRejectTheOthers() async throws {
        try await LoginWorld.with { world in
            let outcomes = try await withThrowingTaskGroup(of: UserUpsert.Outcome.self) { group in
                for index in 0..<12 {
                    let store = UserStore(database: world.database(loop: index))
                    let item = try Self.item("rival-\(index)", phone: "13800138009")
                    let now = world.clock.now()
                    group.addTask { try await store.upsert([item], now: now)[0] }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0.name == "created" }.count == 1, "\(outcomes)")
            #expect(outcomes.filter { $0.name == "rejected" }.count == 11, "\(outcomes)")
            #expect(try await world.count(User.self) == 1)
        }
    }

    /// Batches that name the same new users in different orders, at once: none fails (no deadlock between their
    /// inserts), and each user is created once.
    @Test func concurrentOverlappingBatchesInAnyOrderMakeEachUserOnce() async throws {
        try await LoginWorld.with { world in
            let items = try (0..<1000).map { try Self.item("o-\($0)", phone: String(format: "137%08d", $0)) }
            let outcomes = try await withThrowingTaskGroup(of: [UserUpsert.Outcome].self) { group in
                for index in 0..<8 {
                    let store = UserStore(database: world.database(loop: index))
                    let order = index % 2 == 0 ? items.shuffled() : items.reversed()
                    let now = world.clock.now()
                    group.addTask { try await store.upsert(order, now: now) }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(outcomes.filter { $0.name == "created" }.count == items.count)
            #expect(outcomes.filter { $0.name == "unchanged" }.count == items.count * 7)
            #expect(try await world.count(User.self) == items.count)
        }
    }

    @Test func aFullBatchIsAFewStatements() async throws {
        try await LoginWorld.with { world in
            let store = UserStore(database: world.server.db)
            let batch = try (0..<UserStore.maximumUpsertBatch).map { index in
                try Self.item("bulk-\(index)", phone: String(format: "139%08d", index), email: "u\(index)@example.com")
            }
            let created = try await store.upsert(batch, now: world.clock.now())
            #expect(created.allSatisfy { $0.name == "created" })
            #expect(try await world.count(User.self) == UserStore.maximumUpsertBatch)
            var changed = batch
            changed[7].name = "Seven"
            let again = try await store.upsert(changed, now: world.clock.now())
            #expect(again.filter { $0.name == "unchanged" }.count == UserStore.maximumUpsertBatch - 1)
            #expect(again[7] == .updated(try #require(created[7].userID)))
        }
    }
}
