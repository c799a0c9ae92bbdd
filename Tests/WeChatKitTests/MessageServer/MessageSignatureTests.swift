import Testing
import WeChatKit

@Suite struct MessageSignatureTests {
    struct PlainVector: Sendable, CustomTestStringConvertible {
        let token, timestamp, nonce, signature: String
        var testDescription: String { "\(token)/\(timestamp)/\(nonce)" }
    }

    /// Spec §12.1.
    static let plainVectors = [
        PlainVector(token: "test", timestamp: "1410685589", nonce: "test", signature: "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff"),
        PlainVector(token: "AAAAA", timestamp: "1714037059", nonce: "486452656", signature: "899cf89e464efb63f54ddac96b0a0a235f53aa78"),
        PlainVector(token: "pamtest", timestamp: "1409304348", nonce: "xxxxxx", signature: "76480565cbe296026c53aaacd1ad523a1ddba24f"),
        PlainVector(token: "a", timestamp: "b", nonce: "c", signature: "a9993e364706816aba3e25717850c26c9cd0d89d"),
        PlainVector(token: "c", timestamp: "a", nonce: "b", signature: "a9993e364706816aba3e25717850c26c9cd0d89d"),
        PlainVector(token: "b", timestamp: "c", nonce: "a", signature: "a9993e364706816aba3e25717850c26c9cd0d89d"),
    ]

    @Test(arguments: plainVectors)
    func plainSignatureMatchesVector(_ vector: PlainVector) {
        #expect(MessageSignature.plain(token: vector.token, timestamp: vector.timestamp, nonce: vector.nonce) == vector.signature)
        #expect(MessageSignature.isValid(vector.signature, token: vector.token, timestamp: vector.timestamp, nonce: vector.nonce))
    }

    @Test(arguments: [
        "f21891de399b4e33a1a93c9a7b8a8fffb5a443fe", // last digit changed (wechatpy's negative case)
        "f21891de399b4e33a1a93c9a7b8a8fffb5a443f", // one character short
        "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff0", // one character long
        "F21891DE399B4E33A1A93C9A7B8A8FFFB5A443FF", // uppercase is not the wire format
        "",
    ])
    func wrongPlainSignatureFails(_ signature: String) {
        #expect(!MessageSignature.isValid(signature, token: "test", timestamp: "1410685589", nonce: "test"))
    }

    @Test func messageSignatureMatchesWechatpyVector() {
        let vector = MessageServerFixtures.Wechatpy.self
        #expect(MessageSignature.message(token: vector.token, timestamp: "1411443780", nonce: "437374425", encrypt: vector.encrypt1) == vector.signature1)
        #expect(MessageSignature.isValidMessage(vector.signature1, token: vector.token, timestamp: "1411443780", nonce: "437374425", encrypt: vector.encrypt1))
        #expect(!MessageSignature.isValidMessage(vector.signature1, token: vector.token, timestamp: "1411443780", nonce: "437374424", encrypt: vector.encrypt1))
    }

    @Test func messageSignatureMatchesOfficialVectors() {
        let vector = MessageServerFixtures.Official.self
        #expect(MessageSignature.message(token: vector.token, timestamp: vector.timestamp, nonce: vector.nonce, encrypt: vector.encryptA) == vector.signatureA)
        #expect(MessageSignature.message(token: vector.token, timestamp: vector.timestamp, nonce: vector.nonce, encrypt: vector.encryptB) == vector.signatureB)
    }

    @Test func sortingUsesByteOrder() {
        // "B" (0x42) sorts before "a" (0x61) in byte order; a case-insensitive sort would swap them.
        #expect(MessageSignature.compute(["a", "B"]) == MessageSignature.compute(["B", "a"]))
        #expect(MessageSignature.compute(["a", "B"]) == MessageSignature.compute(["Ba"]))
    }

    @Test func constantTimeEqualsComparesEveryByte() {
        #expect(MessageSignature.constantTimeEquals("abc", "abc"))
        #expect(!MessageSignature.constantTimeEquals("abc", "abd"))
        #expect(!MessageSignature.constantTimeEquals("xbc", "abc"))
        #expect(!MessageSignature.constantTimeEquals("abc", "abcd"))
        #expect(MessageSignature.constantTimeEquals("", ""))
    }
}
