/// The JWS algorithms the provider signs with (RFC 7518 §3). Discovery requires RS256; ES256 is shorter and faster.
public enum SigningAlgorithm: String, Sendable, CaseIterable, Codable {
    /// RSASSA-PKCS1-v1_5 with SHA-256 over a 2048-bit key: the one every OpenID Connect library verifies.
    case rs256 = "RS256"
    /// ECDSA over P-256 with SHA-256.
    case es256 = "ES256"
}
