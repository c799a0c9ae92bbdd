/// The key a client's requests are counted under: its IPv4 address, or the /64 network of its IPv6 address (one
/// household or phone gets a whole /64, so counting single IPv6 addresses would give it 2^64 allowances).
struct ClientKey: Hashable, Sendable {
    let value: String

    /// The key of requests whose address is unknown (in-process tests; a peer that is not an IP socket). They
    /// share one allowance rather than escaping the limit.
    static let unknown = ClientKey(value: "unknown")

    private init(value: String) { self.value = value }

    /// The key of `address` as `ClientAddressMiddleware` resolved it.
    init(address: String?) {
        guard let address, let bytes = TrustedProxies.parse(address) else { self = .unknown; return }
        if bytes.count == 4 {
            self.init(value: bytes.map(String.init).joined(separator: "."))
        } else if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 client.
            self.init(value: bytes[12...].map(String.init).joined(separator: "."))
        } else {
            let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            self.init(value: groups.joined(separator: ":") + "::/64")
        }
    }
}
