/// A whole HTML page in the site's plain layout: one column, readable on a phone, a language switch.
struct Page: Sendable {
    var title: String
    var body: HTML
    var language: Language
    /// The path (with query) of this page, used to build the language-switch link.
    var path: String

    func render() -> String {
        let switchLink = Self.link(path, language: language.other)
        let html: HTML = """
        <!doctype html>
        <html lang="\(language.rawValue)"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <style>\(HTML(unsafe: Self.css))</style></head>
        <body><main>
        <nav><a href="/">\(language.pick("首页", "Home"))</a> <a class="lang" href="\(switchLink)">\(language.other == .english ? "English" : "中文")</a></nav>
        <h1>\(title)</h1>
        \(body)
        </main></body></html>
        """
        return html.markup
    }

    /// `path` with `lang` set to `language`, keeping its other query items but WeChat's one-time `code` and
    /// `state` (a callback's error page must not link to the callback again, nor carry its code into a link).
    static func link(_ path: String, language: Language) -> String {
        let parts = path.split(separator: "?", maxSplits: 1)
        let base = parts.first.map(String.init) ?? "/"
        var items = parts.count > 1 ? parts[1].split(separator: "&").map(String.init) : []
        items.removeAll { item in
            let name = item.prefix { $0 != "=" }
            return name == "lang" || name == "code" || name == "state"
        }
        items.append("lang=\(language.rawValue)")
        return base + "?" + items.joined(separator: "&")
    }

    private static let css = """
    body{font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f5f5;color:#222}
    main{max-width:32rem;margin:0 auto;padding:1rem 1.25rem;background:#fff;min-height:100vh;box-sizing:border-box}
    nav{display:flex;justify-content:space-between;font-size:.9rem;margin-bottom:1rem}
    a{color:#07c160}h1{font-size:1.4rem}
    .button,button{display:inline-block;background:#07c160;color:#fff;border:0;border-radius:4px;padding:.7rem 1.2rem;font-size:1rem;text-decoration:none;cursor:pointer}
    .secondary{background:#eee;color:#222}.danger{background:#c0392b}
    input{font-size:1rem;padding:.6rem;width:100%;box-sizing:border-box;border:1px solid #ccc;border-radius:4px;margin:.3rem 0 1rem}
    .error{color:#c0392b}.muted{color:#888;font-size:.9rem}
    .card{border:1px solid #eee;border-radius:6px;padding:.8rem;margin:.6rem 0}
    iframe{border:0}
    """
}
