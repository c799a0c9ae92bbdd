import Vapor

/// Follow-to-sign-in's pages, Chinese first: the QR code with the account's name and the waiting script, and the
/// choice between the two PC sign-ins (`PC_LOGIN=both`).
enum FollowLoginPages {
    /// The official account's QR code; the script long-polls the scene's status and follows where it leads.
    static func qrPage(_ req: Request, scene: String, qrURL: String, accountName: String?, returnTo: ReturnTo) -> Response {
        let language = req.language
        let account = accountName ?? language.pick("公众号", "the official account")
        let query = "scene=" + LoginLinks.encode(scene)
        let again = "/login?mode=follow&return_to=" + LoginLinks.encode(returnTo.path)
        let scanned = language.pick("已扫码，请关注公众号以继续", "Scanned: follow the official account to continue")
        let expired = language.pick("二维码已过期，请刷新", "The QR code has expired: refresh")
        let refused = language.pick("此二维码已失效，请重新登录", "This QR code can no longer be used: sign in again")
        // What the code encodes, as a link for a phone that cannot scan its own screen (only an http(s) URL).
        let openLink: HTML = qrURL.hasPrefix("http://") || qrURL.hasPrefix("https://") ? """
            <p class="muted"><a id="follow-open" href="\(qrURL)">\(language.pick("在手机微信里？点此打开公众号", "In WeChat on this phone? Open the account"))</a></p>
            """ : ""
        let body: HTML = """
        <p>\(language.pick("请使用微信扫描二维码，关注「\(account)」即可登录", "Scan the QR code with WeChat and follow “\(account)” to sign in"))</p>
        <div id="follow-qr" class="card"><img src="/login/follow/qr?\(query)" width="280" height="280" \
        alt="\(language.pick("\(account)的二维码", "QR code of \(account)"))"></div>
        <p id="follow-status" class="muted" aria-live="polite">\(language.pick("已关注的用户扫码后即登录", "Already following? Scanning signs you in"))</p>
        \(openLink)
        <p id="follow-again" hidden><a class="button" href="\(again)">\(language.pick("刷新二维码", "Refresh the QR code"))</a></p>
        <script>
        (function () {
          var status = document.getElementById("follow-status");
          var again = document.getElementById("follow-again");
          var texts = {scanned: "\(scanned)", expired: "\(expired)", refused: "\(refused)"};
          function stop(text) {
            status.textContent = text; status.className = "error"; again.hidden = false;
            document.getElementById("follow-qr").style.opacity = "0.3";
          }
          function poll() {
            fetch("/login/follow/status?\(query)", {credentials: "same-origin", headers: {"Accept": "application/json"}})
              .then(function (r) { return r.json(); })
              .then(function (s) {
                if (s.location) { window.location.assign(s.location); return; }
                if (s.status === "expired") { stop(texts.expired); return; }
                if (s.status === "refused") { stop(texts.refused); return; }
                if (s.status === "scanned") { status.textContent = texts.scanned; }
                poll();
              })
              .catch(function () { setTimeout(poll, 3000); });
          }
          poll();
        })();
        </script>
        <noscript><p class="error">\(language.pick("请启用 JavaScript 以完成登录", "Enable JavaScript to finish signing in"))</p></noscript>
        """
        let response = Page(req, title: language.pick("关注公众号登录", "Sign in by following the official account"),
                            body: body).response(req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    /// `PC_LOGIN=both`: the website app's QR login or the official account's.
    static func choicePage(_ req: Request, returnTo: ReturnTo, accountName: String?) -> Response {
        let language = req.language
        let back = "&return_to=" + LoginLinks.encode(returnTo.path)
        let account = accountName ?? language.pick("公众号", "the official account")
        let body: HTML = """
        <p>\(language.pick("请选择登录方式", "Choose how to sign in"))</p>
        <p><a class="button" href="/login?mode=follow\(back)">\(language.pick("关注「\(account)」扫码登录", "Scan and follow “\(account)”"))</a></p>
        <p><a class="button secondary" href="/login?mode=qr\(back)">\(language.pick("微信扫码登录", "Scan with WeChat"))</a> \
        <a class="muted" href="/login?mode=inline\(back)">\(language.pick("在本页显示二维码", "QR code on this page"))</a></p>
        """
        return Page(req, title: language.pick("微信登录", "Sign in with WeChat"), body: body).response(req)
    }
}
