/// Text made safe to place in HTML element content or a double-quoted attribute.
struct HTML: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// Markup that is already safe.
    private(set) var markup: String

    init(unsafe markup: String) { self.markup = markup }

    init(stringLiteral value: String) { self.markup = value }

    init(stringInterpolation: Interpolation) { self.markup = stringInterpolation.markup }

    var description: String { markup }

    /// Escapes `&`, `<`, `>`, `"` and `'`.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Interpolation that escapes strings and passes `HTML` through.
    struct Interpolation: StringInterpolationProtocol {
        var markup = ""
        init(literalCapacity: Int, interpolationCount: Int) { markup.reserveCapacity(literalCapacity * 2) }
        mutating func appendLiteral(_ literal: String) { markup += literal }
        mutating func appendInterpolation(_ text: String) { markup += HTML.escape(text) }
        mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        mutating func appendInterpolation(_ parts: [HTML]) { for part in parts { markup += part.markup } }
    }
}
