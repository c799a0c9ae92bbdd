import Foundation
import Vapor

/// The QR login page with its long-poll script.
enum QRPage {
    /// A JavaScript string literal, safe inside `<script>`.
    static func js(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return (String(data: data, encoding: .utf8) ?? "\"\"").replacingOccurrences(of: "</", with: "<\\/")
    }

    static func render(
        app: SandboxConfiguration.App, uuid: String, redirectURI: String, state: String, selfRedirect: String,
        english: Bool, inline: Bool, style: String?, href: String?
    ) -> Response {
        let e = HTML.escape
        let title = english ? "Log in with WeChat" : "微信登录"
        let hint = english ? "Scan with WeChat to log in to \(app.name)" : "请使用微信扫描二维码登录「\(app.name)」"
        let css = href.flatMap { $0.hasPrefix("https://") || $0.hasPrefix("data:text/css") ? $0 : nil }
            .map { "<link rel=\"stylesheet\" href=\"\(e($0))\">" } ?? ""
        let dark = style == "white" ? " style=\"background:#222;color:#fff\"" : ""
        return HTML.page(title: title, body: """
        \(css)<div class="card\(inline ? " inline" : "")"\(dark)><h1>\(e(title))</h1>
        <img class="qrcode lightBorder" src="/connect/qrcode/\(e(uuid))" alt="QR">
        <p class="muted" id="status">\(e(hint))</p>
        <p class="muted sandbox-phone"><a href="/connect/confirm?uuid=\(e(uuid))" target="_blank" rel="noopener">\(
            english ? "Sandbox: scan with a simulated phone" : "沙盒：用模拟手机扫码")</a></p></div>
        <script>
        (function(){
          var uuid=\(js(uuid)), redirect=\(js(redirectURI)), state=\(js(state)), selfRedirect=\(js(selfRedirect));
          var last=0, el=document.getElementById('status');
          function go(code){
            var url=redirect+(redirect.indexOf('?')<0?'?':'&')+'code='+encodeURIComponent(code)+'&state='+encodeURIComponent(state);
            if(selfRedirect==='true'){window.location.href=url}else{window.top.location.href=url}
          }
          function poll(){
            var xhr=new XMLHttpRequest();
            xhr.open('GET','/connect/l/qrconnect?uuid='+uuid+'&last='+last+'&_='+Date.now());
            xhr.onload=function(){
              var m=/wx_errcode=(\\d+)/.exec(xhr.responseText), c=/wx_code='([^']*)'/.exec(xhr.responseText);
              var code=m?+m[1]:408;
              if(code===405){el.textContent='登录成功';go(c?c[1]:'');return}
              if(code===404){el.textContent='扫描成功，请在微信中点击确认即可登录'}
              if(code===403){el.textContent='您已取消此次登录，请刷新页面重新扫码';return}
              if(code===402){el.textContent='二维码已过期，请刷新页面';return}
              if(code!==408){last=code}
              poll();
            };
            xhr.onerror=function(){setTimeout(poll,2000)};
            xhr.send();
          }
          poll();
        })();
        </script>
        """)
    }
}
