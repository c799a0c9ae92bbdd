import Foundation
import Testing
@testable import WeChatKit

/// Deterministic mutation tests: hostile input gives a `MessageServerError` or a value, never a crash.
@Suite struct MessageServerFuzzTests {
    /// SplitMix64: a tiny seeded generator so that every run mutates the same way.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let interesting = Array("<>/![]&;#x?=\"' CDATA".utf8) + [0x00, 0xFF, 0xC3, 0x0A]

    @Test func mutatedPushesNeverCrash() {
        var generator = SeededGenerator(state: 42)
        let seed = Array(MessageServerFixtures.Official.messageB.utf8)
        var parsed = 0
        var rejected = 0
        for _ in 0..<3_000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = Self.interesting.randomElement(using: &generator) ?? 0
                case 1: bytes.remove(at: index)
                default: bytes.insert(Self.interesting.randomElement(using: &generator) ?? 0, at: index)
                }
            }
            do {
                _ = try InboundMessage(parsing: bytes)
                parsed += 1
            } catch is MessageServerError {
                rejected += 1
            } catch {
                Issue.record("unexpected error type: \(type(of: error))")
            }
        }
        #expect(parsed + rejected == 3_000)
        #expect(rejected > 0)
    }

    @Test func randomCiphertextsNeverCrash() throws {
        var generator = SeededGenerator(state: 7)
        let crypto = try MessageCryptoTests.official(previousKey: MessageServerFixtures.Rotation.encodingAESKey)
        let official = MessageServerFixtures.Official.self
        var failures = 0
        for round in 0..<500 {
            let count = [0, 1, 15, 16, 31, 32, 48, 64, 96, 256][round % 10]
            let bytes = (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            let encrypt = Data(bytes).base64EncodedString()
            let signature = MessageSignature.message(token: official.token, timestamp: official.timestamp, nonce: official.nonce, encrypt: encrypt)
            do {
                _ = try crypto.decrypt(encrypt: encrypt, msgSignature: signature, timestamp: official.timestamp, nonce: official.nonce)
            } catch is MessageServerError {
                failures += 1
            }
        }
        #expect(failures == 500)
    }
}
