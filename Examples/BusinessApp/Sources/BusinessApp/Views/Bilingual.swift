/// A text in Chinese and English; pages show both, Chinese first.
struct Bilingual: Sendable {
    var chinese: String
    var english: String

    init(_ chinese: String, _ english: String) {
        self.chinese = chinese
        self.english = english
    }

    /// `中文 · English`, escaped for HTML.
    var html: String { "\(HTML.escape(chinese)) <span lang=\"en\">· \(HTML.escape(english))</span>" }
}
