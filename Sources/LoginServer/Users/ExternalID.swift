import Foundation

/// The business's own id for one of its users (its `uid`), kept on `users.external_id`, unique when present.
///
/// Compared byte for byte, never trimmed, case-folded or normalised: two ids that look alike to a person are two
/// ids, so nothing here may silently make them one. What is refused is what would be ambiguous or unsafe in a log,
/// a URL path or a CSV file: empty, longer than 255 UTF-8 bytes, leading or trailing white space, control characters
/// (Unicode Cc: NUL, line breaks, tabs, DEL) and invisible format characters (Unicode Cf: zero-width spaces, bidi
/// overrides, byte-order marks).
struct ExternalID: Hashable, Sendable, CustomStringConvertible {
    /// The longest id, in UTF-8 bytes: fits any index and the business's usual `VARCHAR(255)`.
    static let maximumBytes = 255

    let value: String

    var description: String { value }

    // Byte for byte, as the database's unique index compares: Swift's `String ==` would call "é" and "e\u{301}"
    // equal (canonical equivalence) where the database sees two ids.
    static func == (lhs: ExternalID, rhs: ExternalID) -> Bool { lhs.value.utf8.elementsEqual(rhs.value.utf8) }

    func hash(into hasher: inout Hasher) {
        for byte in value.utf8 { hasher.combine(byte) }
    }

    /// Checks untrusted input; throws an ``ExternalID/Invalid`` that says what is wrong.
    init(validating raw: String) throws(Invalid) {
        guard !raw.isEmpty else { throw Invalid(reason: "external id must not be empty") }
        guard raw.utf8.count <= Self.maximumBytes else {
            throw Invalid(reason: "external id must be at most \(Self.maximumBytes) UTF-8 bytes")
        }
        guard raw.unicodeScalars.allSatisfy({ ![.control, .format].contains($0.properties.generalCategory) }) else {
            throw Invalid(reason: "external id must not contain control or invisible format characters")
        }
        guard let first = raw.unicodeScalars.first, let last = raw.unicodeScalars.last,
              !first.properties.isWhitespace, !last.properties.isWhitespace else {
            throw Invalid(reason: "external id must not begin or end with white space")
        }
        value = raw
    }

    /// Why a string is not an external id; `reason` is safe to show (it never repeats the input).
    struct Invalid: Error, Equatable, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }
}
