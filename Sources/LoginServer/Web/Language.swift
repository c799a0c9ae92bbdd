import Vapor

/// The language of the pages: Chinese first, English on request (`?lang=en`, remembered in a cookie).
enum Language: String, Sendable, CaseIterable {
    case chinese = "zh-CN"
    case english = "en"

    /// The cookie that remembers the choice.
    static let cookieName = "wl_lang"

    /// Reads `lang` from the query, then the cookie; Chinese otherwise.
    init(query: String?, cookie: String?) {
        for value in [query, cookie] {
            if let value, let language = Language(code: value) { self = language; return }
        }
        self = .chinese
    }

    /// Accepts `en`, `en-US`, `zh`, `zh-CN`, `zh_CN`.
    init?(code: String) {
        let lowered = code.lowercased()
        if lowered.hasPrefix("en") { self = .english } else if lowered.hasPrefix("zh") { self = .chinese } else {
            return nil
        }
    }

    /// The other language, for the switch link.
    var other: Language { self == .chinese ? .english : .chinese }

    /// Picks the text for this language.
    func pick(_ chinese: String, _ english: String) -> String { self == .chinese ? chinese : english }
}

extension Request {
    /// The language of this request's pages.
    var language: Language {
        Language(query: queryValue("lang"), cookie: cookies[Language.cookieName]?.string)
    }
}
