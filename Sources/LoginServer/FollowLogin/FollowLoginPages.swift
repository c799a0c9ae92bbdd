import Vapor

/// Follow-to-sign-in's pages, Chinese first: the QR code with the account's name and the waiting script, and the
/// choice between the two PC sign-ins (`PC_LOGIN=both`).
enum FollowLoginPages {
    /// The official account's QR code; the script long-polls the scene's status and follows where it leads.
    static func qrPage(_ req: Request, scene: String, qrURL: String, accountName: String?, returnTo: ReturnTo) -> Response {
        let language = req.language
        let widget = widget(req, scene: scene, qrURL: qrURL, accountName: accountName,
                            again: "/login?mode=follow&return_to=" + LoginLinks.encode(returnTo.path), embed: nil)
        let response = Page(req, title: language.pick("关注公众号登录", "Sign in by following the official account"),
                            body: widget).response(req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// The QR code with the account's name and its three states (waiting, scanned, expired or refused → refresh),
    /// as a fragment: the follow-login page, the `both` page and the embeddable page show the same one.
    ///
    /// With `embed` (the frame on the business's site) the script sends the page's signed binding in a header
    /// instead of relying on a cookie, loads the image the same way, and on the scan posts the finish form to the
    /// top window; otherwise it polls with the browser's cookie and follows the answer's `location`.
    static func widget(_ req: Request, scene: String, qrURL: String, accountName: String?, again: String,
                       embed signedBinding: String?) -> HTML {
        let language = req.language
        let account = accountName ?? language.pick("公众号", "the official account")
        let query = "scene=" + LoginLinks.encode(scene)
        let scanned = signedBinding == nil
            ? language.pick("已扫码，请关注公众号以继续", "Scanned: follow the official account to continue")
            : language.pick("已扫码，正在登录…", "Scanned: signing you in…")
        let expired = language.pick("二维码已过期，请刷新", "The QR code has expired: refresh")
        let refused = language.pick("此二维码已失效，请重新登录", "This QR code can no longer be used: sign in again")
        // What the code encodes, as a link for a phone that cannot scan its own screen (only an http(s) URL).
        let openLink: HTML = qrURL.hasPrefix("http://") || qrURL.hasPrefix("https://") ? """
            <p class="muted"><a id="follow-open" href="\(qrURL)" target="_top">\(language.pick("在手机微信里？点此打开公众号", "In WeChat on this phone? Open the account"))</a></p>
            """ : ""
        let imageURL = "/login/follow/qr?" + query
        // In the frame the image comes through the script (its request carries the binding header).
        let image: HTML = signedBinding == nil
            ? "<img src=\"\(imageURL)\" width=\"280\" height=\"280\" alt=\"\(language.pick("\(account)的二维码", "QR code of \(account)"))\">"
            : "<img id=\"follow-img\" width=\"220\" height=\"220\" alt=\"\(language.pick("\(account)的二维码", "QR code of \(account)"))\">"
        let finish: HTML = signedBinding.map { binding in """
            <form id="follow-finish" method="post" action="/login/follow/finish" target="_top">\
            <input type="hidden" name="scene" value="\(scene)"><input type="hidden" name="binding" value="\(binding)"></form>
            """ } ?? ""
        let headers: HTML = signedBinding.map { "{\"Accept\": \"application/json\", \"\(FollowLoginEmbed.bindingHeader)\": \"\($0)\"}" }
            ?? "{\"Accept\": \"application/json\"}"
        let embedFlag: HTML = signedBinding == nil ? "" : "&embed=1"
        return """
        <p>\(language.pick("请使用微信扫描二维码，关注「\(account)」即可登录", "Scan the QR code with WeChat and follow “\(account)” to sign in"))</p>
        <div id="follow-qr" class="card">\(image)</div>
        <p id="follow-status" class="muted" aria-live="polite">\(language.pick("已关注的用户扫码后即登录", "Already following? Scanning signs you in"))</p>
        \(openLink)
        <p id="follow-again" hidden><a class="button" href="\(again)">\(language.pick("刷新二维码", "Refresh the QR code"))</a></p>
        \(finish)
        <script>
        (function () {
          var status = document.getElementById("follow-status");
          var again = document.getElementById("follow-again");
          var finish = document.getElementById("follow-finish");
          var headers = \(headers);
          var texts = {scanned: "\(scanned)", expired: "\(expired)", refused: "\(refused)"};
          function stop(text) {
            status.textContent = text; status.className = "error"; again.hidden = false;
            document.getElementById("follow-qr").style.opacity = "0.3";
          }
          var img = document.getElementById("follow-img");
          if (img) {
            fetch("\(imageURL)", {credentials: "same-origin", headers: headers})
              .then(function (r) { if (!r.ok) { throw r.status; } return r.blob(); })
              .then(function (b) { img.src = URL.createObjectURL(b); })
              .catch(function () { stop(texts.refused); });
          }
          function poll() {
            fetch("/login/follow/status?\(query)\(embedFlag)", {credentials: "same-origin", headers: headers})
              .then(function (r) { return r.json(); })
              .then(function (s) {
                if (s.location) { window.location.assign(s.location); return; }
                if (s.status === "expired") { stop(texts.expired); return; }
                if (s.status === "refused") { stop(texts.refused); return; }
                if (s.status === "scanned") {
                  status.textContent = texts.scanned;
                  if (finish) { finish.submit(); return; }
                }
                poll();
              })
              .catch(function () { setTimeout(poll, 3000); });
          }
          poll();
        })();
        </script>
        <noscript><p class="error">\(language.pick("请启用 JavaScript 以完成登录", "Enable JavaScript to finish signing in"))</p></noscript>
        """
    }

    /// `PC_LOGIN=both`: both sign-ins at once — the official account's QR code (`follow`, the widget with its states)
    /// beside the website app's QR frame (`frameURL`, WeChat's inline page) — with a link to each alone. Either half
    /// may be missing (WeChat did not make the code); the links stay.
    static func bothPage(_ req: Request, returnTo: ReturnTo, accountName: String?, follow: HTML?,
                         frameURL: String?) -> Response {
        let language = req.language
        let back = "&return_to=" + LoginLinks.encode(returnTo.path)
        let account = accountName ?? language.pick("公众号", "the official account")
        let followHalf: HTML = follow.map { widget in """
            <section id="both-follow"><h2>\(language.pick("关注公众号登录", "Follow the official account"))</h2>\(widget)</section>
            """ } ?? ""
        let websiteHalf: HTML = frameURL.map { url in """
            <section id="both-website"><h2>\(language.pick("微信扫码登录", "Scan with WeChat"))</h2>\
            <p>\(language.pick("请使用微信扫描二维码登录", "Scan the QR code with WeChat to sign in"))</p>\
            <div id="wechat-qr"><iframe src="\(url)" width="300" height="400" scrolling="no" \
            allow="local-network-access" title="WeChat QR"></iframe></div></section>
            """ } ?? ""
        let body: HTML = """
        <style>main{max-width:46rem}.both{display:flex;flex-wrap:wrap;gap:1.5rem}.both section{flex:1 1 18rem}\
        .both h2{font-size:1.1rem}</style>
        <div class="both">\(followHalf)\(websiteHalf)</div>
        <p class="muted">\(language.pick("只用一种方式：", "One way only: "))\
        <a href="/login?mode=follow\(back)">\(language.pick("关注「\(account)」扫码登录", "Scan and follow “\(account)”"))</a> · \
        <a href="/login?mode=qr\(back)">\(language.pick("微信扫码登录", "Scan with WeChat"))</a> · \
        <a href="/login?mode=inline\(back)">\(language.pick("在本页显示微信二维码", "WeChat's QR code on this page"))</a></p>
        """
        let response = Page(req, title: language.pick("微信登录", "Sign in with WeChat"), body: body).response(req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// The embeddable page (`/login/follow/embed`): the widget alone, compact, no site chrome, with a language
    /// switch; framed only by the origins `FOLLOW_LOGIN_EMBED_ORIGINS` lists.
    static func embedPage(_ req: Request, widget: HTML, origins: [String]) -> Response {
        let language = req.language
        let path = req.url.query.map { req.url.path + "?" + $0 } ?? req.url.path
        let html: HTML = """
        <!doctype html>
        <html lang="\(language.rawValue)"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(language.pick("关注公众号登录", "Sign in by following the official account"))</title>
        <style>body{font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;\
        padding:1.4rem .5rem .5rem;text-align:center;color:#222;font-size:.95rem}a{color:#07c160}p{margin:.4rem 0}\
        .button{display:inline-block;background:#07c160;color:#fff;border-radius:4px;padding:.5rem 1rem;text-decoration:none}\
        .error{color:#c0392b}.muted{color:#888;font-size:.85rem}.lang{position:absolute;top:.3rem;right:.5rem;font-size:.8rem}</style>
        </head><body>
        <a class="lang" href="\(Page.link(path, language: language.other))">\(language.other == .english ? "English" : "中文")</a>
        \(widget)
        </body></html>
        """
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        // No X-Frame-Options: it has no allow-list (ALLOW-FROM is gone); frame-ancestors names the origins.
        headers.replaceOrAdd(name: "Content-Security-Policy", value: FollowLoginEmbed.frameAncestors(origins))
        headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        // The language comes from `lang` in the frame's URL (the business may set it; the links keep it) or the
        // first-party cookie: no cookie is set here, it would be a third-party one.
        return Response(status: .ok, headers: headers, body: .init(string: html.markup))
    }
}
