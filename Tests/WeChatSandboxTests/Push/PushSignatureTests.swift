@testable import WeChatSandbox
import Testing

@Suite("Push signatures (spec §10.1, §12.1)")
struct PushSignatureTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let token: String, timestamp: String, nonce: String, signature: String
        var testDescription: String { "token \(token)" }
    }

    static let vectors: [Vector] = [
        Vector(token: "test", timestamp: "1410685589", nonce: "test", signature: "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"),
        Vector(token: "AAAAA", timestamp: "1714037059", nonce: "486452656", signature: "899cf89e464efb63f54ddac96b0a0a235f53aa78"),
        Vector(token: "pamtest", timestamp: "1409304348", nonce: "xxxxxx", signature: "76480565cbe296026c53aaacd1ad523a1ddba24f"),
    ]

    @Test("§12.1 signatures", arguments: PushSignatureTests.vectors)
    func signature(vector: Vector) {
        let signature = PushCrypto.signature(token: vector.token, timestamp: vector.timestamp, nonce: vector.nonce)
        #expect(signature == vector.signature)
    }

    @Test("the wechatpy near-miss …443fe does not verify")
    func nearMiss() {
        let signature = PushCrypto.signature(token: "test", timestamp: "1410685589", nonce: "test")
        #expect(!PushCrypto.constantTimeEquals(signature, "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe"))
        #expect(PushCrypto.constantTimeEquals(signature, "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"))
    }

    @Test("a, b, c in any order sign as SHA1(\"abc\")", arguments: [["a", "b", "c"], ["c", "a", "b"], ["b", "c", "a"]])
    func sortedInput(parts: [String]) {
        #expect(PushCrypto.signature(token: parts[0], timestamp: parts[1], nonce: parts[2])
            == "a9993e364706816aba3e25717850c26c9cd0d89d")
    }

    @Test("msg_signature vectors of §12.2 A, B and §12.3 item 1")
    func msgSignature() {
        let v = PushVectors.self
        #expect(PushCrypto.msgSignature(token: v.token, timestamp: v.timestamp, nonce: v.nonce, encrypt: v.encryptA)
            == "82c962d39941aa48552f90ef55aa323dc620cc10")
        #expect(PushCrypto.msgSignature(token: v.token, timestamp: v.timestamp, nonce: v.nonce, encrypt: v.encryptB)
            == "ea88b765074e41eb8c7a75b449db34fa2fd560d5")
        #expect(PushCrypto.msgSignature(token: "123456", timestamp: "1411443780", nonce: "437374425", encrypt: v.encrypt1)
            == "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96")
        #expect(PushCrypto.msgSignature(token: "123456", timestamp: "1411443780", nonce: "437374424", encrypt: v.encrypt1)
            != "dd6b9c95b495b3f7e2901bfbc76c664930ffdb96")
        #expect(PushCrypto.msgSignature(token: "123456", timestamp: "1411525903", nonce: "461056294", encrypt: v.encrypt2)
            == "74d92dfeb87ba7c714f89d98870ae5eb62dff26d")
    }

    @Test("constant-time comparison rejects different lengths and contents")
    func constantTimeEquals() {
        #expect(PushCrypto.constantTimeEquals("", ""))
        #expect(!PushCrypto.constantTimeEquals("abc", "abcd"))
        #expect(!PushCrypto.constantTimeEquals("abc", "abd"))
        #expect(PushCrypto.constantTimeEquals("微信", "微信"))
    }
}
