import Foundation

/// An independent JWS verifier: Python's `cryptography` (pyca, on OpenSSL) reads the JWKS as served and checks a
/// compact JWS, with none of our code in between. Needs `python3` with `cryptography` (Debian's
/// python3-cryptography, installed by scripts/install-test-dependencies).
enum PythonJWSVerifier {
    struct Refused: Error, CustomStringConvertible { let description: String }
    /// python3 or its `cryptography` module is missing.
    struct Unavailable: Error, CustomStringConvertible { let description: String }

    /// What the verifier read from a token it accepted; `claims` is Python's `json.dumps(…, sort_keys=True)`.
    struct Verified { let alg: String; let typ: String?; let claims: String }

    static let script = #"""
    import base64, json, sys
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    def b64(text):
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

    def integer(text):
        return int.from_bytes(b64(text), "big")

    keys = {key["kid"]: key for key in json.loads(sys.argv[1])["keys"]}
    token = sys.stdin.read().strip()
    header_part, payload_part, signature_part = token.split(".")
    header = json.loads(b64(header_part))
    key = keys[header["kid"]]
    assert header["alg"] == key["alg"] and key["use"] == "sig"
    signed, signature = (header_part + "." + payload_part).encode(), b64(signature_part)
    if key["kty"] == "RSA" and key["alg"] == "RS256":
        public = rsa.RSAPublicNumbers(integer(key["e"]), integer(key["n"])).public_key()
        public.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    elif key["kty"] == "EC" and key["alg"] == "ES256" and key["crv"] == "P-256":
        assert len(signature) == 64
        public = ec.EllipticCurvePublicNumbers(integer(key["x"]), integer(key["y"]), ec.SECP256R1()).public_key()
        der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
        public.verify(der, signed, ec.ECDSA(hashes.SHA256()))
    else:
        raise SystemExit("unexpected key " + key["kty"])
    print(json.dumps({"alg": header["alg"], "typ": header.get("typ"),
                      "claims": json.dumps(json.loads(b64(payload_part)), sort_keys=True)}))
    """#

    /// Verifies `token` against `jwks` (the JWK Set's JSON) in a python3 process; throws ``Refused`` when it does not.
    static func verify(_ token: String, jwks: String) throws -> Verified {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, jwks]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(token.utf8))
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let message = String(decoding: err, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            // A missing interpreter or module is not a refusal: the test must fail, not pass for the wrong reason.
            if message.contains("ModuleNotFoundError") || message.contains("No such file") {
                throw Unavailable(description: "python3 with the cryptography module is needed (scripts/install-test-dependencies): \(message)")
            }
            throw Refused(description: message)
        }
        let object = try JSONSerialization.jsonObject(with: out) as? [String: Any] ?? [:]
        return Verified(alg: object["alg"] as? String ?? "", typ: object["typ"] as? String,
                        claims: object["claims"] as? String ?? "")
    }
}
