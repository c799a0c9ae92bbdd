import Crypto
import Foundation
import _CryptoExtras

/// A private signing key with its public JWK. Lives only in memory; at rest its PEM is sealed by the `TokenCipher`.
struct SigningKey: Sendable {
    /// The private half.
    enum Material: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
    }

    let algorithm: SigningAlgorithm
    let material: Material
    let publicJWK: PublicJWK

    /// The `kid` tokens signed with this key carry.
    var kid: String { publicJWK.kid }

    /// A new random key: RSA 2048 bits for RS256, P-256 for ES256.
    static func generate(_ algorithm: SigningAlgorithm) throws -> SigningKey {
        switch algorithm {
        case .rs256: try SigningKey(.rsa(_RSA.Signing.PrivateKey(keySize: .bits2048)))
        case .es256: try SigningKey(.p256(P256.Signing.PrivateKey()))
        }
    }

    /// The key a stored PEM holds; the PEM's kind must match `algorithm`.
    init(algorithm: SigningAlgorithm, pem: String) throws {
        switch algorithm {
        case .rs256: try self.init(.rsa(_RSA.Signing.PrivateKey(pemRepresentation: pem)))
        case .es256: try self.init(.p256(P256.Signing.PrivateKey(pemRepresentation: pem)))
        }
    }

    private init(_ material: Material) throws {
        self.material = material
        switch material {
        case .rsa(let key):
            algorithm = .rs256
            publicJWK = try PublicJWK(rsa: key.publicKey)
        case .p256(let key):
            algorithm = .es256
            publicJWK = PublicJWK(p256: key.publicKey)
        }
    }

    /// The private key as PEM: what is sealed at rest. Never logged, never sent.
    var privatePEM: String {
        switch material {
        case .rsa(let key): key.pemRepresentation
        case .p256(let key): key.pemRepresentation
        }
    }

    /// The JWS signature of `input` in the form RFC 7518 §3.3 / §3.4 prescribes.
    func sign(_ input: Data) throws -> Data {
        switch material {
        case .rsa(let key): try key.signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation
        case .p256(let key): try key.signature(for: input).rawRepresentation
        }
    }
}
