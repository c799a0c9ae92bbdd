import Vapor

/// The app's pages: one layout, every value escaped, never cached (they show who is signed in).
enum HTML {
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A whole page around `body` (already HTML), with `title` in both languages.
    static func page(_ title: Bilingual, body: String, status: HTTPResponseStatus = .ok) -> Response {
        let html = """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title.chinese)) · \(escape(title.english))</title>
            <style>body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
            .button{display:inline-block;background:#07c160;color:#fff;border:0;border-radius:6px;padding:.6rem 1.2rem;font-size:1rem;text-decoration:none;cursor:pointer}
            table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top;word-break:break-all}
            header{color:#666;font-size:.9rem;margin-bottom:1.5rem}</style></head>
            <body><header>示例商家应用 · Example business app</header><h1>\(title.html)</h1>
            \(body)
            </body></html>
            """
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'; img-src * data:")
        headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        return Response(status: status, headers: headers, body: .init(string: html))
    }

    /// A two-column table of claims.
    static func claims(_ claims: [[String]]) -> String {
        let rows = claims.filter { $0.count == 2 }.map { "<tr><th>\(escape($0[0]))</th><td>\(escape($0[1]))</td></tr>" }
        return "<table>\(rows.joined())</table>"
    }
}
