/// Why a JWS could not be made or was not accepted. Never carries the token, a key or a claim value.
public struct JWSError: Error, CustomStringConvertible, Equatable {
    private enum Code: Equatable {
        case malformed, unsupportedAlgorithm, unknownKey, algorithmMismatch, badSignature, malformedKey, noKey
    }

    private let code: Code
    /// What went wrong, safe to log.
    public let description: String

    private init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// Not three base64url parts, or a header or payload that is not a JSON object.
    static let malformed = JWSError(.malformed, "not a compact JWS")
    /// `alg` is none of ours (`none`, `HS256`, …): refused before any key is looked at.
    static let unsupportedAlgorithm = JWSError(.unsupportedAlgorithm, "the JWS algorithm is not RS256 or ES256")
    /// No published key has the token's `kid` (after a reload).
    static let unknownKey = JWSError(.unknownKey, "no published signing key has this kid")
    /// The header's `alg` is not the algorithm of the key its `kid` names (algorithm confusion).
    static let algorithmMismatch = JWSError(.algorithmMismatch, "the JWS algorithm is not the key's")
    /// The signature does not verify.
    static let badSignature = JWSError(.badSignature, "the JWS signature does not verify")
    /// A stored or published key could not be parsed.
    static let malformedKey = JWSError(.malformedKey, "a signing key could not be read")
    /// There is no current key of the requested algorithm that this instance can open (the table was emptied under
    /// a running server, or its token key is not configured here).
    static let noKey = JWSError(.noKey, "there is no current signing key of this algorithm that this instance can open")

    public static func == (lhs: JWSError, rhs: JWSError) -> Bool { lhs.code == rhs.code }
}
