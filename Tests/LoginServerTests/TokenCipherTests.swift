import Crypto
import Foundation
import Testing
@testable import LoginServer

@Suite struct TokenCipherTests {
    let old = SymmetricKey(size: .bits256)
    let new = SymmetricKey(size: .bits256)

    /// The code and cookie keys are derived from the token key once, and follow it when the key is replaced.
    @Test func derivedKeysAreHKDFOfTheTokenKeyAndFollowIt() {
        func hkdf(_ key: SymmetricKey, _ info: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data(info.utf8), outputByteCount: 32)
        }
        var configuration = LoginServerConfiguration(tokenKey: .init(id: "k1", key: old))
        #expect(configuration.codeKey == hkdf(old, "wechat-login one-time codes"))
        #expect(configuration.bindingKey == hkdf(old, "wechat-login browser binding"))
        #expect(configuration.codeKey != configuration.bindingKey)
        configuration.tokenKey.key = new
        #expect(configuration.codeKey == hkdf(new, "wechat-login one-time codes"))
        configuration.tokenKey = .init(id: "k3", key: old)
        #expect(configuration.bindingKey == hkdf(old, "wechat-login browser binding"))
    }

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
