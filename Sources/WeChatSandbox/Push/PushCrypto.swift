import Crypto

/// WeChat's push signatures (spec §10.1, §10.4) and message encryption (see `PushCrypto+AES.swift`).
enum PushCrypto {
    /// Upper bound on a message or `Encrypt` field handled here (WeChat pushes are a few KiB).
    static let maximumMessageBytes = 1 << 20

    /// `lowercase_hex(SHA1(join(sort([token, timestamp, nonce]))))`.
    static func signature(token: String, timestamp: String, nonce: String) -> String {
        sortedSHA1([token, timestamp, nonce])
    }

    /// `lowercase_hex(SHA1(join(sort([token, timestamp, nonce, encrypt]))))`.
    static func msgSignature(token: String, timestamp: String, nonce: String, encrypt: String) -> String {
        sortedSHA1([token, timestamp, nonce, encrypt])
    }

    /// Compares two strings' UTF-8 bytes in time independent of where they differ.
    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }

    /// SHA-1 of the byte-wise sorted, concatenated parts, as lowercase hex.
    private static func sortedSHA1(_ parts: [String]) -> String {
        let sorted = parts.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        let digest = Insecure.SHA1.hash(data: sorted.flatMap { $0 })
        return hex(Array(digest))
    }

    /// Lowercase hexadecimal of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            result.append(digits[Int(byte >> 4)])
            result.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: result, as: UTF8.self)
    }
}
