import Foundation
import TaizhangCore
import TaizhangWorkflow

/// Text made safe inside HTML (element content and quoted attributes); control characters from files are
/// shown, not obeyed.
func esc(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for ch in TextSafety.printable(text) {
        switch ch {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(ch)
        }
    }
    return out
}

/// A query-string value.
func query(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
}

/// The frame every page shares: header with the campaign's name and the navigation, the page, the footer.
struct Layout {
    let workflow: Workflow
    let user: WebUser

    func page(title: String, current: String, _ body: String) -> String {
        var nav: [(String, String, String)] = []
        if user.isProvince {
            nav = [("board", "/", "报送总览"), ("upload", "/upload", "接收报送"), ("check", "/check", "自检"),
                   ("templates", "/templates", "填报模板"), ("reports", "/reports", "汇总报告")]
        } else if let unit = user.unit {
            nav = [("unit", "/units/\(query(unit))", "本单位报送"), ("upload", "/upload", "报送文件"),
                   ("check", "/check", "自检"), ("templates", "/templates", "填报模板")]
        }
        let links = nav.map { id, href, label in
            "<a href=\"\(href)\"\(id == current ? " class=\"current\" aria-current=\"page\"" : "")>\(label)</a>"
        }.joined()
        let unitName = user.unit.flatMap { workflow.formSet.unit(id: $0)?.name }
        let who = user.isProvince ? "省厅" : (unitName ?? "")
        let account = user.signedIn
            ? """
              <form method="post" action="/logout" class="logout"><input type="hidden" name="csrf" value="\(esc(user.csrf))">\
              <span>\(esc(user.name))（\(esc(who))）</span><button type="submit">退出</button></form>
              """
            : "<span class=\"local\">本机使用（省厅）</span>"
        return """
            <!doctype html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="csrf-token" content="\(esc(user.csrf))">
            <title>\(esc(title)) · 台账工作台</title>
            <link rel="stylesheet" href="/static/style.css">
            </head>
            <body>
            <header class="top">
            <div class="brand"><span class="seal">台账</span><div><strong>行政执法突出问题专项整治 · 台账工作台</strong>\
            <small>\(esc(workflow.formSet.campaign.title))</small></div></div>
            <div class="account">\(account)</div>
            </header>
            <nav class="main">\(links)</nav>
            <main>
            \(body)
            </main>
            <footer>台账工作台 · 数据保存在本工作区，仅供专项整治工作使用</footer>
            <script src="/static/app.js"></script>
            </body>
            </html>
            """
    }
}

/// The sign-in page (also the body of a 401 for a page).
func loginPage(campaign: String, next: String, message: String?) -> String {
    """
    <!doctype html>
    <html lang="zh-CN">
    <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>登录 · 台账工作台</title><link rel="stylesheet" href="/static/style.css"></head>
    <body class="login">
    <form method="post" action="/login" class="card login-card">
    <h1>台账工作台</h1>
    <p class="muted">\(esc(campaign))</p>
    \(message.map { "<p class=\"error\" role=\"alert\">\(esc($0))</p>" } ?? "")
    <label>用户名<input name="name" autocomplete="username" required autofocus></label>
    <label>密码<input name="password" type="password" autocomplete="current-password" required></label>
    <input type="hidden" name="next" value="\(esc(next))">
    <button type="submit" class="primary">登录</button>
    <p class="muted small">账号由省厅用 <code>taizhang users add</code> 建立。</p>
    </form>
    </body>
    </html>
    """
}

/// The stylesheet: a plain office look, the four standings' colours used everywhere the same way.
let styleSheet = """
:root { --ink:#1f2933; --muted:#5f6b7a; --line:#d5dbe3; --bg:#f4f6f9; --brand:#a61b1b; --blue:#1f4e8c;
  --ontime:#2e7d32; --ontime-bg:#e3f2e4; --late:#b26a00; --late-bg:#fff1d6; --returned:#c62828; --returned-bg:#fde4e4;
  --missing:#5b6470; --missing-bg:#e6e8eb; --notdue:#8a94a3; --notdue-bg:#ffffff; }
* { box-sizing: border-box; }
body { margin:0; font-family: "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",sans-serif;
  color:var(--ink); background:var(--bg); font-size:14px; line-height:1.55; }
header.top { display:flex; justify-content:space-between; align-items:center; background:var(--brand); color:#fff; padding:10px 24px; }
.brand { display:flex; gap:12px; align-items:center; }
.brand strong { display:block; font-size:18px; letter-spacing:1px; }
.brand small { display:block; opacity:.85; }
.seal { border:2px solid #fff; border-radius:4px; padding:2px 6px; font-weight:bold; }
.account form, .account span { display:inline-flex; gap:10px; align-items:center; margin:0; }
.account button { background:transparent; color:#fff; border:1px solid #fff; border-radius:3px; padding:2px 10px; cursor:pointer; }
nav.main { background:#fff; border-bottom:1px solid var(--line); padding:0 24px; display:flex; gap:4px; }
nav.main a { padding:10px 14px; color:var(--ink); text-decoration:none; border-bottom:3px solid transparent; }
nav.main a.current { border-bottom-color:var(--brand); color:var(--brand); font-weight:bold; }
main { padding:18px 24px 32px; max-width:1500px; }
footer { color:var(--muted); font-size:12px; padding:12px 24px; border-top:1px solid var(--line); }
h1 { font-size:22px; margin:4px 0 6px; }
h2 { font-size:17px; margin:26px 0 10px; padding-left:8px; border-left:4px solid var(--brand); }
a { color:var(--blue); }
.muted { color:var(--muted); } .small { font-size:12px; } ul.omitted { list-style:none; padding-left:0; color:var(--muted); }
.card { background:#fff; border:1px solid var(--line); border-radius:6px; padding:14px 16px; }
.tiles { display:flex; flex-wrap:wrap; gap:10px; margin:10px 0; }
.tile { background:#fff; border:1px solid var(--line); border-radius:6px; padding:8px 14px; min-width:120px; }
.tile b { display:block; font-size:22px; }
table.grid, table.list { border-collapse:collapse; background:#fff; width:100%; }
table.list.narrow { width:auto; } table.list.narrow th { width:90px; }
table.grid th, table.grid td, table.list th, table.list td { border:1px solid var(--line); padding:4px 6px; text-align:left; vertical-align:top; }
table.grid th, table.list th { background:#eef1f5; font-weight:bold; white-space:nowrap; }
table.grid td { white-space:nowrap; font-size:13px; }
table.grid td a { color:inherit; text-decoration:none; display:block; }
table.grid td a:hover { text-decoration:underline; }
table.grid thead th.period { text-align:center; background:#e2e7ee; }
.scroll { overflow-x:auto; }
.s-on-time { background:var(--ontime-bg); color:var(--ontime); }
.s-late { background:var(--late-bg); color:var(--late); }
.s-returned { background:var(--returned-bg); color:var(--returned); font-weight:bold; }
.s-missing { background:var(--missing-bg); color:var(--missing); }
.s-not-due { background:var(--notdue-bg); color:var(--notdue); }
.legend { display:flex; flex-wrap:wrap; gap:14px; margin:8px 0; align-items:center; }
.legend span.key { display:inline-block; width:14px; height:14px; border:1px solid var(--line); vertical-align:-2px; margin-right:4px; }
.badge { display:inline-block; padding:0 6px; border-radius:3px; font-size:12px; }
.state-accepted { background:var(--ontime-bg); color:var(--ontime); }
.state-rejected { background:var(--returned-bg); color:var(--returned); }
.state-refused { background:var(--missing-bg); color:var(--missing); }
.sev-error { color:var(--returned); font-weight:bold; } .sev-warning { color:var(--late); } .sev-info { color:var(--muted); }
.charts { display:grid; grid-template-columns:repeat(auto-fit, minmax(440px, 1fr)); gap:14px; }
.charts figure { margin:0; } figcaption { font-weight:bold; margin-bottom:6px; }
.downloads a { display:inline-block; margin:4px 10px 4px 0; padding:6px 12px; border:1px solid var(--blue); border-radius:4px; text-decoration:none; }
button.primary, a.primary { background:var(--brand); color:#fff; border:0; border-radius:4px; padding:7px 18px; font-size:14px; cursor:pointer; text-decoration:none; }
form.inline { display:flex; gap:10px; align-items:end; flex-wrap:wrap; margin:8px 0; }
form.inline label { display:flex; flex-direction:column; font-size:13px; color:var(--muted); }
input, select { font:inherit; padding:4px 6px; border:1px solid #b8c1cc; border-radius:3px; }
.drop { border:2px dashed #9aa6b5; border-radius:8px; background:#fff; padding:28px; text-align:center; }
.pick { position:relative; display:inline-block; padding:7px 18px; border:1px solid var(--blue); color:var(--blue); border-radius:4px; cursor:pointer; background:#fff; }
.pick input { position:absolute; inset:0; opacity:0; cursor:pointer; width:100%; }
.drop.over { border-color:var(--brand); background:#fff6f6; }
.progress { height:10px; background:#e6e8eb; border-radius:5px; overflow:hidden; margin:10px 0; display:none; }
.progress div { height:100%; width:0; background:var(--blue); transition:width .2s; }
.error { color:var(--returned); } .ok { color:var(--ontime); }
body.login { display:flex; justify-content:center; align-items:center; min-height:100vh; }
.login-card { width:340px; display:flex; flex-direction:column; gap:12px; }
.login-card label { display:flex; flex-direction:column; gap:4px; }
"""

/// The little script of the pages: drag and drop of many files, uploaded with a progress bar (XHR); without
/// it the forms still post.
let appScript = """
(function () {
  var csrf = (document.querySelector('meta[name=csrf-token]') || {}).content || '';
  document.querySelectorAll('form[data-upload]').forEach(function (form) {
    var input = form.querySelector('input[type=file]');
    var drop = form.querySelector('.drop');
    var bar = form.querySelector('.progress');
    var status = form.querySelector('.upload-status');
    var results = document.getElementById('results');
    function send(files) {
      if (!files || !files.length) return;
      var data = new FormData();
      for (var i = 0; i < files.length; i++) data.append('files', files[i], files[i].name);
      data.append('csrf', csrf);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', form.getAttribute('action'));
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      bar.style.display = 'block';
      status.textContent = '正在上传 ' + files.length + ' 个文件……';
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          var pct = Math.round(e.loaded * 100 / e.total);
          bar.firstElementChild.style.width = pct + '%';
          status.textContent = '正在上传 ' + files.length + ' 个文件：' + pct + '%' + (pct === 100 ? '，正在检查……' : '');
        }
      };
      xhr.onload = function () {
        bar.firstElementChild.style.width = '100%';
        var doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
        var got = doc.getElementById('results');
        if (got && results) { results.innerHTML = got.innerHTML; }
        status.textContent = xhr.status === 200 ? '完成。' : '上传失败（' + xhr.status + '）' + (got ? '' : '：' + xhr.responseText.slice(0, 200));
        input.value = '';
      };
      xhr.onerror = function () { status.textContent = '上传失败：网络错误，请重试。'; };
      xhr.send(data);
    }
    form.addEventListener('submit', function (e) { e.preventDefault(); send(input.files); });
    input.addEventListener('change', function () { send(input.files); });
    if (drop) {
      ['dragenter', 'dragover'].forEach(function (t) { drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add('over'); }); });
      ['dragleave', 'drop'].forEach(function (t) { drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove('over'); }); });
      drop.addEventListener('drop', function (e) { send(e.dataTransfer.files); });
    }
  });
})();
"""
