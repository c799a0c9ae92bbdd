import Crypto
import Testing
@testable import LoginServer

@Suite struct TokenCipherTests {
    let old = SymmetricKey(size: .bits256)
    let new = SymmetricKey(size: .bits256)

    @Test func sealsAndOpens() throws {
        let cipher = TokenCipher(current: ("k1", old))
        let sealed = try cipher.seal("54_secret-access-token", context: "wxapp:openid:access")
        #expect(sealed.hasPrefix("v1.k1."))
        #expect(!sealed.contains("secret"))
        #expect(try cipher.open(sealed, context: "wxapp:openid:access") == "54_secret-access-token")
    }

    @Test func refusesAnotherContext() throws {
        let cipher = TokenCipher(current: ("k1", old))
        let sealed = try cipher.seal("token", context: "wxapp:openidA:access")
        #expect(throws: TokenCipher.Failure.self) { try cipher.open(sealed, context: "wxapp:openidB:access") }
    }

    @Test func opensValuesSealedBeforeARotation() throws {
        let before = TokenCipher(current: ("k1", old))
        let sealed = try before.seal("token", context: "c")
        let after = TokenCipher(current: ("k2", new), previous: [("k1", old)])
        #expect(try after.open(sealed, context: "c") == "token")
        #expect(after.needsResealing(sealed))
        #expect(!after.needsResealing(try after.seal("token", context: "c")))
    }

    @Test func refusesUnknownKeysAndTampering() throws {
        let cipher = TokenCipher(current: ("k1", old))
        let sealed = try cipher.seal("token", context: "c")
        let other = TokenCipher(current: ("k2", new))
        #expect(throws: TokenCipher.Failure.self) { try other.open(sealed, context: "c") }
        var bytes = Array(sealed)
        bytes[bytes.count - 3] = bytes[bytes.count - 3] == "A" ? "B" : "A"
        #expect(throws: TokenCipher.Failure.self) { try cipher.open(String(bytes), context: "c") }
        for junk in ["", "v1", "v1.k1", "v1.k1.!!!", "v2.k1.AAAA", "plain-token"] {
            #expect(throws: TokenCipher.Failure.self) { try cipher.open(junk, context: "c") }
        }
    }

    @Test func failureDescriptionsCarryNoSecrets() throws {
        let cipher = TokenCipher(current: ("k1", old))
        do {
            _ = try cipher.open("v1.k9.c2VjcmV0", context: "c")
            Issue.record("expected a failure")
        } catch {
            #expect(!"\(error)".contains("c2VjcmV0"))
        }
    }
}
