import Testing
@testable import LoginServer

@Suite struct PageTests {
    @Test func escapesInterpolatedText() {
        let name = "<script>alert('x')</script>&\""
        let html: HTML = "<p>\(name)</p>"
        #expect(html.markup == "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;</p>")
    }

    @Test func passesMarkupThrough() {
        let inner: HTML = "<b>\("a&b")</b>"
        let outer: HTML = "<p>\(inner)</p>"
        #expect(outer.markup == "<p><b>a&amp;b</b></p>")
    }

    @Test func chineseIsTheDefaultLanguage() {
        #expect(Language(query: nil, cookie: nil) == .chinese)
        #expect(Language(query: "en", cookie: nil) == .english)
        #expect(Language(query: nil, cookie: "en") == .english)
        #expect(Language(query: "zh_CN", cookie: "en") == .chinese)
        #expect(Language(query: "fr", cookie: nil) == .chinese)
    }

    @Test func languageSwitchKeepsTheQuery() {
        #expect(Page.link("/bind/verify?challenge=abc&lang=zh-CN", language: .english) == "/bind/verify?challenge=abc&lang=en")
        #expect(Page.link("/", language: .chinese) == "/?lang=zh-CN")
        #expect(Page.link("/auth/wechat/callback?code=061abc&state=xyz", language: .english)
                    == "/auth/wechat/callback?lang=en", "no one-time code or state in a link")
    }

    @Test func rendersAWholePage() {
        let page = Page(title: "标题 <1>", body: "<p>正文</p>", language: .chinese, path: "/x")
        let html = page.render()
        #expect(html.contains("<html lang=\"zh-CN\">"))
        #expect(html.contains("<title>标题 &lt;1&gt;</title>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("href=\"/x?lang=en\""))
    }
}
