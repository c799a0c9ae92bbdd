/// Helpers that keep secrets out of logs and descriptions.
enum Redaction {
    /// A placeholder that shows only a secret's length, e.g. `<redacted 110 chars>`.
    static func secret(_ value: String) -> String {
        "<redacted \(value.utf8.count) chars>"
    }

    /// A short, non-reversible hint for identifiers that are not secrets but are personal data (openid):
    /// the first four characters and the length.
    static func identifier(_ value: String) -> String {
        let prefix = value.prefix(4)
        return "\(prefix)…(\(value.utf8.count))"
    }
}
