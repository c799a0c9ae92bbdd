import Crypto
import Fluent
import Foundation
import Logging
import SQLKit
import Testing
@testable import LoginServer

/// The OpenID Connect signing keys: made once by whichever instance starts first, shared through the database,
/// published without their private halves, rotated without dropping a key tokens still need, re-sealed with the
/// token key (on SQLite, and on PostgreSQL with `TEST_DATABASE_URL`).
@Suite(.serialized) struct SigningKeyTests {
    struct Claims: Codable, Sendable, Equatable {
        var iss: String
        var sub: String
        var iat: Date
    }

    static let claims = Claims(iss: LoginWorld.serverBase, sub: "user-1", iat: Date(timeIntervalSince1970: 1_764_489_600))

    /// Another instance on the world's database (on PostgreSQL, its own event loop and connection).
    static func ring(_ world: LoginWorld, loop: Int = 1, cipher: TokenCipher? = nil,
                     configuration: SigningKeyConfiguration = .init()) -> SigningKeyRing {
        SigningKeyRing(store: store(world, loop: loop, cipher: cipher), configuration: configuration,
                       clock: world.clock, logger: world.server.logger)
    }

    static func store(_ world: LoginWorld, loop: Int = 0, cipher: TokenCipher? = nil) -> SigningKeyStore {
        SigningKeyStore(database: world.database(loop: loop), cipher: cipher ?? world.services.cipher)
    }

    @Test func concurrentFirstStartsMakeExactlyOneKeyPerAlgorithm() async throws {
        try await LoginWorld.with { world in
            try await world.server.db.sql().raw("DELETE FROM oidc_signing_keys").run()
            let rings = (0..<4).map { Self.ring(world, loop: $0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for ring in rings { group.addTask { try await ring.prepare() } }
                try await group.waitForAll()
            }
            let rows = try await Self.store(world).all()
            #expect(rows.count == 2, "\(rows.map(\.kid))")
            #expect(Set(rows.map(\.algorithm)) == [.rs256, .es256])
            #expect(rows.allSatisfy { $0.retiredAt == nil })
            for ring in rings {
                let current = try await ring.current().current
                #expect(Set(current.values.map(\.kid)) == Set(rows.map(\.kid)), "every instance signs with the stored keys")
            }
            // A plain second insert is refused by the database, not by a read before it.
            let extra = try SigningKey.generate(.es256)
            #expect(try await Self.store(world).insertIfNoCurrent(extra, now: world.clock.now()) == false)
            #expect(try await Self.store(world).all().count == 2)
        }
    }

    @Test func concurrentRotationsLeaveOneCurrentKeyPerAlgorithm() async throws {
        try await LoginWorld.with { world in
            let keys = try (0..<3).map { _ in try SigningKey.generate(.es256) }
            let stores = (0..<3).map { Self.store(world, loop: $0) }
            let now = world.clock.now()
            let outcomes = try await withThrowingTaskGroup(of: SigningKeyStore.Rotation.self) { group in
                for (store, key) in zip(stores, keys) { group.addTask { try await store.rotate(to: key, now: now) } }
                return try await group.reduce(into: [SigningKeyStore.Rotation]()) { $0.append($1) }
            }
            #expect(outcomes.contains { $0 != .concurrent })
            let current = try await Self.store(world).all().filter { $0.retiredAt == nil }
            #expect(current.count == 2, "\(current.map(\.kid))")
            #expect(Set(current.map(\.algorithm)) == [.rs256, .es256])
            #expect(keys.map(\.kid).contains(try #require(current.first { $0.algorithm == .es256 }).kid))
        }
    }

    @Test func theJWKSPublishesPublicParametersOnly() async throws {
        try await LoginWorld.with { world in
            let answer = try await world.browser().get("\(LoginWorld.serverBase)/oauth/jwks")
            #expect(answer.status == 200)
            #expect(answer.headers.first(name: .cacheControl) == "public, max-age=60")
            #expect(answer.headers.first(name: .contentType)?.hasPrefix("application/json") == true)
            let keys = try #require(answer.json["keys"] as? [[String: Any]])
            #expect(keys.count == 2)
            for key in keys {
                #expect(key["use"] as? String == "sig")
                #expect(key["kid"] is String)
                let expected: Set<String> = key["kty"] as? String == "RSA"
                    ? ["kid", "kty", "alg", "use", "n", "e"] : ["kid", "kty", "alg", "use", "crv", "x", "y"]
                #expect(Set(key.keys) == expected, "\(key.keys.sorted())")
            }
            #expect(Set(keys.compactMap { $0["alg"] as? String }) == ["RS256", "ES256"])

            // The private halves appear neither in the JWKS nor in the logs; the table holds them sealed.
            for row in try await Self.store(world).all() {
                #expect(row.privateKeySealed.hasPrefix("v1.test."))
                let pem = try Self.store(world).open(row).privatePEM
                let body = pem.split(separator: "\n").dropFirst().prefix(2).joined()
                #expect(body.count > 40)
                #expect(!answer.body.contains(body))
                #expect(!world.logs.all.joined(separator: "\n").contains(body))
            }
            #expect(!world.logs.all.joined().contains("PRIVATE KEY"))
        }
    }

    @Test(arguments: SigningAlgorithm.allCases)
    func aSignedTokenVerifiesWithAnIndependentVerifier(_ algorithm: SigningAlgorithm) async throws {
        try await LoginWorld.with { world in
            let ring = world.services.signingKeys
            let token = try await ring.sign(Self.claims, algorithm: algorithm, type: "at+jwt")
            let jwks = try await world.browser().get("\(LoginWorld.serverBase)/oauth/jwks").body

            let verified = try PythonJWSVerifier.verify(token, jwks: jwks)
            #expect(verified.typ == "at+jwt")
            #expect(verified.alg == algorithm.rawValue)
            #expect(verified.claims == #"{"iat": 1764489600, "iss": "http://login.test", "sub": "user-1"}"#)

            // The control: a changed payload, signature kept, is refused by the same verifier.
            let parts = token.split(separator: ".")
            let forged = Data(#"{"iat":1764489600,"iss":"http://login.test","sub":"user-2"}"#.utf8).base64URLEncoded()
            #expect(throws: PythonJWSVerifier.Refused.self) {
                try PythonJWSVerifier.verify("\(parts[0]).\(forged).\(parts[2])", jwks: jwks)
            }

            // And our own verifier, as userinfo and id_token_hint will use it.
            let ours = try await ring.verify(token)
            #expect(ours.header.typ == "at+jwt")
            #expect(try ours.claims(as: Claims.self) == Self.claims)
            await #expect(throws: JWSError.badSignature) { try await ring.verify("\(parts[0]).\(forged).\(parts[2])") }
        }
    }

    @Test func tokensThatAreNotOursAreRefused() async throws {
        try await LoginWorld.with { world in
            let ring = world.services.signingKeys
            let rsa = try await ring.sign(Self.claims, algorithm: .rs256)
            let ec = try await ring.sign(Self.claims, algorithm: .es256)
            let ecParts = ec.split(separator: ".").map(String.init)
            let rsaKid = try #require(JWS.parse(rsa).header.kid)
            func header(_ json: String) -> String { Data(json.utf8).base64URLEncoded() }

            await #expect(throws: JWSError.unsupportedAlgorithm) {
                try await ring.verify(header(#"{"alg":"none","kid":"\#(rsaKid)"}"#) + ".\(ecParts[1]).")
            }
            await #expect(throws: JWSError.unsupportedAlgorithm) {
                try await ring.verify(header(#"{"alg":"HS256","kid":"\#(rsaKid)"}"#) + ".\(ecParts[1]).\(ecParts[2])")
            }
            // ES256 signature presented under the RSA key's kid: the key decides the algorithm.
            await #expect(throws: JWSError.algorithmMismatch) {
                try await ring.verify(header(#"{"alg":"ES256","kid":"\#(rsaKid)"}"#) + ".\(ecParts[1]).\(ecParts[2])")
            }
            await #expect(throws: JWSError.unknownKey) {
                try await ring.verify(header(#"{"alg":"ES256","kid":"nobody"}"#) + ".\(ecParts[1]).\(ecParts[2])")
            }
            await #expect(throws: JWSError.malformed) { try await ring.verify("a.b") }
            // A key made elsewhere with the same kid-less shape does not verify.
            let stranger = try JWS.sign(Self.claims, with: SigningKey.generate(.es256), type: "JWT")
            await #expect(throws: JWSError.unknownKey) { try await ring.verify(stranger) }
        }
    }

    @Test func rotationKeepsTheOldKeyPublishedUntilItsTokensExpired() async throws {
        try await LoginWorld.with { world in
            let configuration = SigningKeyConfiguration()
            let ring = world.services.signingKeys
            let other = Self.ring(world)  // a second instance, loaded before the rotation
            try await other.prepare()
            let before = try await ring.current().current
            let oldToken = try await ring.sign(Self.claims, algorithm: .rs256)

            world.clock.advance(by: 10)
            let rotatedAt = world.clock.now()
            let report = try await SigningKeyRotationCommand.run(
                store: Self.store(world), configuration: configuration, now: rotatedAt, checkOnly: false)
            #expect(report.count == 2 + 4, "\(report)")
            let after = try await ring.reload().current
            for algorithm in SigningAlgorithm.allCases {
                #expect(after[algorithm]?.kid != before[algorithm]?.kid)
                #expect(report.contains { $0.hasPrefix("\(algorithm.rawValue): new current key \(after[algorithm]!.kid); \(before[algorithm]!.kid) no longer signs") })
            }
            let rows = try await Self.store(world).all()
            #expect(rows.count == 4)
            #expect(rows.filter { $0.retiredAt == nil }.count == 2)

            // Published: the new keys first, then the old ones.
            let jwks = try await ring.jwks().keys.map(\.kid)
            #expect(jwks.count == 4)
            #expect(Set(jwks.prefix(2)) == Set(after.values.map(\.kid)))
            let newToken = try await ring.sign(Self.claims, algorithm: .rs256)
            #expect(try JWS.parse(newToken).header.kid == after[.rs256]?.kid)
            _ = try await ring.verify(oldToken)

            // The other instance: still signs with the old key within its cache lifetime, learns the new kid from a
            // token that names it, then signs with the new key once its cache expired.
            #expect(try JWS.parse(try await other.sign(Self.claims)).header.kid == before[.rs256]?.kid)
            _ = try await other.verify(newToken)
            world.clock.advance(by: configuration.cacheLifetime)
            #expect(try JWS.parse(try await other.sign(Self.claims)).header.kid == after[.rs256]?.kid)

            // Until the retire time the old key stays published; after it, it is gone and its tokens no longer verify.
            world.clock.advance(by: rotatedAt.addingTimeInterval(configuration.retiredKeyPublishedFor - 1)
                .timeIntervalSince(world.clock.now()))
            #expect(try await ring.reload().jwks.keys.count == 4)
            _ = try await ring.verify(oldToken)
            world.clock.advance(by: 2)
            let published = try await ring.reload().jwks.keys.map(\.kid)
            #expect(Set(published) == Set(after.values.map(\.kid)))
            world.clock.advance(by: configuration.unknownKeyReloadInterval)
            await #expect(throws: JWSError.unknownKey) { try await ring.verify(oldToken) }
            #expect(try await Self.store(world).all().count == 4, "retired rows stay; they are only unpublished")
        }
    }

    @Test func theKeysAreResealedUnderANewTokenKey() async throws {
        let keyA = SymmetricKey(size: .bits256), keyB = SymmetricKey(size: .bits256)
        try await LoginWorld.with(adjust: { $0.tokenKey = .init(id: "a", key: keyA) }) { world in
            let kids = Set(try await world.services.signingKeys.current().current.values.map(\.kid))
            let rotated = TokenCipher(current: ("b", keyB), previous: [("a", keyA)])
            let onlyB = TokenCipher(current: ("b", keyB))
            // An instance that has only the new key cannot open the keys yet, and says why.
            await #expect(throws: SigningKeyRing.UnopenableKey.self) { try await Self.ring(world, cipher: onlyB).prepare() }

            let report = try await TokenResealer(database: world.server.db, cipher: rotated).resealAll()
            #expect(report.resealed == 2)
            for row in try await Self.store(world).all() {
                #expect(row.privateKeySealed.hasPrefix("v1.b."))
                _ = try Self.store(world, cipher: onlyB).open(row)
            }
            let ring = Self.ring(world, cipher: onlyB)
            try await ring.prepare()
            #expect(Set(try await ring.current().current.values.map(\.kid)) == kids)

            // A sealed key copied into another row does not open there.
            let rows = try await Self.store(world).all()
            let swapped = SigningKeyStore.Row(
                kid: rows[0].kid, algorithm: rows[0].algorithm, publicJWK: rows[0].publicJWK,
                privateKeySealed: rows[1].privateKeySealed, createdAt: rows[0].createdAt,
                activatedAt: rows[0].activatedAt, retiredAt: nil)
            #expect(throws: TokenCipher.Failure.self) { try Self.store(world, cipher: onlyB).open(swapped) }
        }
    }

    /// Sandbox mode's token key is new at every start: the keys it cannot open are rotated out, not fatal.
    @Test func sandboxModeReplacesKeysItCannotOpen() async throws {
        try await LoginWorld.with { world in
            let stranger = TokenCipher(current: ("dev", SymmetricKey(size: .bits256)))
            let ring = Self.ring(world, cipher: stranger)
            try await ring.prepare(replaceUnopenable: true)
            let rows = try await Self.store(world).all()
            #expect(rows.count == 4)
            #expect(rows.filter { $0.retiredAt == nil }.allSatisfy { $0.privateKeySealed.hasPrefix("v1.dev.") })
            _ = try await ring.sign(Self.claims)
        }
    }

    @Test func theCommandRotatesAndReports() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rotate-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = [
            "TOKEN_ENCRYPTION_KEY": "k1:" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() },
            "DATABASE_URL": "sqlite:\(path)",
        ]
        #expect(try await SigningKeyRotationCommand.run(environment: environment, checkOnly: true)
                == "no signing keys yet: the first server to start makes them")
        let first = try await SigningKeyRotationCommand.run(environment: environment, checkOnly: false)
            .split(separator: "\n").map(String.init)
        #expect(first.count == 4, "\(first)")
        #expect(first[0].hasPrefix("RS256: new current key ") && !first[0].contains("no longer signs"))
        let second = try await SigningKeyRotationCommand.run(environment: environment, checkOnly: false)
        #expect(second.contains("no longer signs"))
        #expect(second.components(separatedBy: ", retired, until ").count == 3, "\(second)")
        #expect(second.components(separatedBy: "current since").count == 3, "\(second)")
    }

    @Test func theRetiredKeySettingIsChecked() throws {
        let base = ["TOKEN_ENCRYPTION_KEY": "k1:" + Data(repeating: 7, count: 32).base64EncodedString()]
        #expect(try LoginServerConfiguration.tokenStorage(fromEnvironment: base).signingKeys.retiredKeyPublishedFor == 7200)
        var longer = base
        longer["OIDC_RETIRED_KEY_PUBLISHED_SECONDS"] = "86400"
        #expect(try LoginServerConfiguration.tokenStorage(fromEnvironment: longer).signingKeys.retiredKeyPublishedFor == 86400)
        for bad in ["600", "1h", "-1", "9999999999"] {
            var environment = base
            environment["OIDC_RETIRED_KEY_PUBLISHED_SECONDS"] = bad
            #expect(throws: LoginServerConfiguration.EnvironmentError.self) {
                try LoginServerConfiguration.tokenStorage(fromEnvironment: environment)
            }
        }
    }
}
