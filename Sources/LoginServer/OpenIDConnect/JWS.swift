import Foundation

/// The JWS Compact Serialization (RFC 7515 §7.1) for the provider's own tokens: pure functions, no keys looked up.
enum JWS {
    /// The protected header the provider writes and reads.
    struct Header: Codable, Sendable, Equatable {
        var alg: String
        var kid: String?
        var typ: String?
    }

    /// A JWS whose signature checked out, with its header and its payload's bytes.
    struct Verified: Sendable {
        let header: Header
        let payload: Data

        /// The payload decoded as `T` (NumericDate claims as seconds).
        func claims<T: Decodable>(as type: T.Type) throws -> T {
            do { return try JWS.decoder.decode(T.self, from: payload) } catch { throw JWSError.malformed }
        }
    }

    /// `header.payload.signature`, signed by `key`, with `kid` and `typ` (`JWT`, or `at+jwt` for RFC 9068 access
    /// tokens) in the header. Dates in `claims` encode as whole seconds since 1970 (NumericDate).
    static func sign<Claims: Encodable>(_ claims: Claims, with key: SigningKey, type: String) throws -> String {
        let header = Header(alg: key.algorithm.rawValue, kid: key.kid, typ: type)
        let input = try encoder.encode(header).base64URLEncoded() + "." + encoder.encode(claims).base64URLEncoded()
        return input + "." + (try key.sign(Data(input.utf8))).base64URLEncoded()
    }

    /// The parts of a compact JWS, checked for shape only: the header is a JSON object naming one of our algorithms.
    static func parse(_ token: String) throws -> (header: Header, signingInput: Data, payload: Data, signature: Data) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 16 * 1024, parts.count == 3,
              let headerBytes = Data(base64URL: String(parts[0])), let payload = Data(base64URL: String(parts[1])),
              let signature = Data(base64URL: String(parts[2])),
              let header = try? decoder.decode(Header.self, from: headerBytes),
              (try? JSONSerialization.jsonObject(with: payload)) is [String: Any] else { throw JWSError.malformed }
        guard SigningAlgorithm(rawValue: header.alg) != nil else { throw JWSError.unsupportedAlgorithm }
        return (header, Data("\(parts[0]).\(parts[1])".utf8), payload, signature)
    }

    /// Checks `token` against one published key: the header's `alg` must be the key's, then the signature.
    static func verify(_ token: String, with key: PublicJWK, verifier: PublicJWK.Verifier) throws -> Verified {
        let parts = try parse(token)
        guard parts.header.alg == key.alg else { throw JWSError.algorithmMismatch }
        guard verifier.isValid(parts.signature, for: parts.signingInput) else { throw JWSError.badSignature }
        return Verified(header: parts.header, payload: parts.payload)
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Int64(date.timeIntervalSince1970.rounded(.down)))
        }
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
