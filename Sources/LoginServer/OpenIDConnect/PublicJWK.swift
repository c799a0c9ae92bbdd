import Crypto
import Foundation
import _CryptoExtras

/// A public signing key as a JWK (RFC 7517 §4, RFC 7518 §6): only the public parameters, never `d`, `p`, `q`.
///
/// Stored in clear beside the sealed private key, served as is in the JWKS, and the form every instance verifies with.
struct PublicJWK: Codable, Sendable, Equatable {
    /// The key id tokens name in their header: the key's RFC 7638 thumbprint.
    var kid: String
    /// `RSA` or `EC`.
    var kty: String
    /// `RS256` or `ES256`.
    var alg: String
    /// Always `sig`.
    var use: String = "sig"
    /// RSA modulus and exponent, base64url.
    var n: String?
    var e: String?
    /// EC curve (`P-256`) and coordinates, base64url.
    var crv: String?
    var x: String?
    var y: String?

    /// The JWK of an RSA public key.
    init(rsa key: _RSA.Signing.PublicKey) throws {
        let primitives = try key.getKeyPrimitives()
        let n = primitives.modulus.base64URLEncoded(), e = primitives.publicExponent.base64URLEncoded()
        self.kid = Self.thumbprint(#"{"e":"\#(e)","kty":"RSA","n":"\#(n)"}"#)
        self.kty = "RSA"
        self.alg = SigningAlgorithm.rs256.rawValue
        self.n = n
        self.e = e
    }

    /// The JWK of a P-256 public key.
    init(p256 key: P256.Signing.PublicKey) {
        let raw = key.rawRepresentation  // x ‖ y, 32 bytes each
        let x = raw.prefix(32).base64URLEncoded(), y = raw.suffix(32).base64URLEncoded()
        self.kid = Self.thumbprint(#"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#)
        self.kty = "EC"
        self.alg = SigningAlgorithm.es256.rawValue
        self.crv = "P-256"
        self.x = x
        self.y = y
    }

    /// RFC 7638: SHA-256 over the required members in lexicographic order, without whitespace. Unique per key, so
    /// two instances that each generated a key never give them the same `kid`.
    private static func thumbprint(_ canonical: String) -> String {
        Data(SHA256.hash(data: Data(canonical.utf8))).base64URLEncoded()
    }

    /// The key's algorithm, when it is one we sign with.
    var algorithm: SigningAlgorithm? { SigningAlgorithm(rawValue: alg) }

    /// The parsed public key, ready to check JWS signatures (RFC 7515 §5.2); throws for a JWK we do not sign with.
    func verifier() throws -> Verifier {
        switch (algorithm, kty) {
        case (.rs256, "RSA"):
            guard let n = n.flatMap(Data.init(base64URL:)), let e = e.flatMap(Data.init(base64URL:)) else {
                throw JWSError.malformedKey
            }
            return .rsa(try _RSA.Signing.PublicKey(n: n, e: e))
        case (.es256, "EC"):
            guard crv == "P-256", let x = x.flatMap(Data.init(base64URL:)), let y = y.flatMap(Data.init(base64URL:)),
                  x.count == 32, y.count == 32 else { throw JWSError.malformedKey }
            return .p256(try P256.Signing.PublicKey(rawRepresentation: x + y))
        default:
            throw JWSError.malformedKey
        }
    }

    /// A parsed public key, ready to check signatures.
    enum Verifier: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)

        /// Whether `signature` signs `input` (RS256: PKCS #1 v1.5 over SHA-256; ES256: the 64-byte `r ‖ s`).
        func isValid(_ signature: Data, for input: Data) -> Bool {
            switch self {
            case .rsa(let key):
                return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: input,
                                            padding: .insecurePKCS1v1_5)
            case .p256(let key):
                guard let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
                return key.isValidSignature(ecdsa, for: input)
            }
        }
    }
}

/// The JWK Set document served at `jwks_uri`.
struct JWKSet: Codable, Sendable, Equatable {
    var keys: [PublicJWK]
}
