import Crypto
import Fluent
import Foundation
import Logging
import Testing
import WeChatKit
@testable import LoginServer

/// Key rotation to the end: tokens sealed under key A are sealed again under B, after which a configuration with
/// only B opens every one of them (on SQLite, and on PostgreSQL with `TEST_DATABASE_URL`).
@Suite(.serialized) struct TokenResealTests {
    let keyA = SymmetricKey(size: .bits256)
    let keyB = SymmetricKey(size: .bits256)
    let keyZ = SymmetricKey(size: .bits256)

    var cipherA: TokenCipher { TokenCipher(current: ("a", keyA)) }
    var rotated: TokenCipher { TokenCipher(current: ("b", keyB), previous: [("a", keyA)]) }
    var onlyB: TokenCipher { TokenCipher(current: ("b", keyB)) }

    /// Five identities sealed under A (one without a refresh token), one under a key no longer configured, and the
    /// shared access_token under A. Returns the identities' plaintext tokens by openid.
    func seed(_ world: LoginWorld) async throws -> [String: (access: String, refresh: String?)] {
        var plaintexts: [String: (access: String, refresh: String?)] = [:]
        for index in 0..<6 {
            let openID = "o-reseal-\(index)"
            let identity = WeChatIdentity(appID: world.websiteAppID, openID: openID, appKind: "website")
            let cipher = index == 5 ? TokenCipher(current: ("z", keyZ)) : cipherA
            let access = "access-\(index)-\(UUID().uuidString)"
            let refresh: String? = index == 4 ? nil : "refresh-\(index)-\(UUID().uuidString)"
            identity.accessTokenSealed = try cipher.seal(access, context: IdentityRecorder.context(identity, "access"))
            identity.refreshTokenSealed = try refresh.map {
                try cipher.seal($0, context: IdentityRecorder.context(identity, "refresh"))
            }
            try await identity.create(on: world.server.db)
            plaintexts[openID] = (access, refresh)
        }
        try await store(world, cipherA).save(
            AccessToken(value: "server-token-1", fetchedAt: Date(), expiresAt: Date().addingTimeInterval(7200)),
            appID: world.officialAccountID)
        return plaintexts
    }

    func store(_ world: LoginWorld, _ cipher: TokenCipher) -> DatabaseAccessTokenStore {
        DatabaseAccessTokenStore(database: world.server.db, cipher: cipher, clock: world.clock,
                                 logger: Logger(label: "test"))
    }

    @Test func afterResealingOnlyTheCurrentKeyIsNeeded() async throws {
        try await LoginWorld.with(adjust: { $0.tokenKey = .init(id: "a", key: keyA) }) { world in
            let plaintexts = try await seed(world)
            var resealer = TokenResealer(database: world.server.db, cipher: rotated)
            resealer.batchSize = 2  // several batches
            // 10 WeChat tokens and the 2 OpenID Connect signing keys the server made at start (RS256, ES256).
            #expect(try await resealer.remaining() == ["a": 12, "?": 2])

            let report = try await resealer.resealAll()
            #expect(report.resealed == 12)
            #expect(report.unopenable == ["z": 2])
            #expect(try await resealer.remaining() == ["?": 2], "only what no configured key opens is left")
            #expect(try await resealer.resealAll().resealed == 0, "a second pass finds nothing")

            for identity in try await WeChatIdentity.query(on: world.server.db).all() where identity.openID != "o-reseal-5" {
                let expected = try #require(plaintexts[identity.openID])
                let access = try #require(identity.accessTokenSealed)
                #expect(access.hasPrefix("v1.b."))
                #expect(try onlyB.open(access, context: IdentityRecorder.context(identity, "access")) == expected.access)
                if let refresh = identity.refreshTokenSealed {
                    #expect(try onlyB.open(refresh, context: IdentityRecorder.context(identity, "refresh")) == expected.refresh)
                } else {
                    #expect(expected.refresh == nil)
                }
            }
            #expect(try await store(world, onlyB).load(appID: world.officialAccountID)?.value == "server-token-1")
        }
    }

    /// A sign-in or refresh that rewrote a token between the re-sealer's read and its write wins.
    @Test func aValueWrittenMeanwhileIsNeverOverwritten() async throws {
        try await LoginWorld.with(adjust: { $0.tokenKey = .init(id: "a", key: keyA) }) { world in
            _ = try await seed(world)
            let identity = try #require(try await WeChatIdentity.query(on: world.server.db).filter(\.$openID == "o-reseal-0").first())
            let read = try #require(identity.accessTokenSealed)
            let fresh = try rotated.seal("fresh-from-a-refresh", context: IdentityRecorder.context(identity, "access"))
            identity.accessTokenSealed = fresh
            try await identity.save(on: world.server.db)

            let resealer = TokenResealer(database: world.server.db, cipher: rotated)
            let stale = try rotated.seal("old-token", context: IdentityRecorder.context(identity, "access"))
            #expect(try await resealer.replace(.identityAccess, id: try identity.requireID(), expected: read, with: stale) == false)
            let after = try #require(try await WeChatIdentity.find(identity.id, on: world.server.db))
            #expect(after.accessTokenSealed == fresh)
        }
    }

    /// Every instance re-seals at start: run at once, each value is written once (the conditional UPDATE).
    @Test func instancesResealingAtOnceWriteEachValueOnce() async throws {
        try await LoginWorld.with(adjust: { $0.tokenKey = .init(id: "a", key: keyA) }) { world in
            _ = try await seed(world)
            let cipher = rotated
            let database = world.server.db
            let reports = try await withThrowingTaskGroup(of: TokenResealer.Report.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        var resealer = TokenResealer(database: database, cipher: cipher)
                        resealer.batchSize = 1
                        return try await resealer.resealAll()
                    }
                }
                return try await group.reduce(into: [TokenResealer.Report]()) { $0.append($1) }
            }
            #expect(reports.map(\.resealed).reduce(0, +) == 12, "10 WeChat tokens and 2 signing keys")
            #expect(try await TokenResealer(database: database, cipher: cipher).remaining() == ["?": 2])
        }
    }

    @Test func theCommandSaysWhichKeysCanBeDropped() {
        #expect(TokenResealCommand.summary(remaining: [:], previous: ["a"]) == [
            "key a: nothing sealed under it; it can be dropped from TOKEN_ENCRYPTION_PREVIOUS_KEYS once every instance seals with the current key",
            "every stored token is sealed under the current key",
        ])
        let lines = TokenResealCommand.summary(remaining: ["a": 3, "?": 2], previous: ["a"])
        #expect(lines.first == "key a: 3 stored token(s) still sealed under it; keep it")
        #expect(lines.last?.hasPrefix("2 stored token(s) sealed under keys that are not configured") == true)
    }
}
