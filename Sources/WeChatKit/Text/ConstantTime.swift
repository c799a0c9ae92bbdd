/// Comparisons whose running time does not depend on where the inputs first differ.
///
/// The one implementation for the library and the login server: signatures, CSRF tokens, bearer tokens, code
/// hashes and browser bindings are all compared with it.
public enum ConstantTime {
    /// Whether two strings have the same UTF-8 bytes, without an early exit on the first difference (nor on a
    /// difference in length).
    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0 && a.count == b.count
    }
}
