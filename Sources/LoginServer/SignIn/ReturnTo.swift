/// Where to send a person after they sign in: always a same-site relative path.
///
/// `return_to` arrives from the browser and is untrusted. Only a path that starts with a single `/`, carries no
/// scheme, no authority (`//host`, `/\host`), no control characters and no backslashes is kept; anything else falls
/// back to `/`. This closes the open-redirect holes that browsers' lenient URL parsing leaves in naive checks.
struct ReturnTo: Hashable, Sendable, CustomStringConvertible {
    /// The validated path, query and fragment, beginning with `/`.
    let path: String

    /// The place to go when nothing valid was asked for.
    static let home = ReturnTo(validated: "/")

    /// The longest `return_to` kept; longer ones are refused rather than truncated.
    static let maximumLength = 1024

    private init(validated: String) { self.path = validated }

    /// Validates an untrusted value; `nil` when it is not a same-site relative path.
    init?(_ raw: String?) {
        guard let raw, !raw.isEmpty, raw.utf8.count <= Self.maximumLength else { return nil }
        let scalars = raw.unicodeScalars
        guard scalars.first == "/" else { return nil }
        // "//evil.example" and "/\evil.example" are scheme-relative URLs to browsers.
        if scalars.count > 1 {
            let second = scalars[scalars.index(after: scalars.startIndex)]
            guard second != "/", second != "\\" else { return nil }
        }
        for scalar in scalars {
            // Backslashes are read as slashes by browsers; control characters and whitespace are stripped by them.
            if scalar == "\\" || scalar.value < 0x21 || scalar.value == 0x7F { return nil }
        }
        self.path = raw
    }

    /// The validated value, or `/` when the raw value is missing or unsafe.
    static func orHome(_ raw: String?) -> ReturnTo { ReturnTo(raw) ?? .home }

    var description: String { path }
}
