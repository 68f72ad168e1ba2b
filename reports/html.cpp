#include "reports/html.hpp"

#include "core/protocol/redact.hpp"
#include "reports/escape.hpp"
#include "reports/reports.hpp"

namespace popcheck::reports {

namespace {

using core::ojson;

// The page around the data. Kept as one literal so that the report stays a single self-contained
// file.
constexpr std::string_view kStyle = R"CSS(
:root{--pass:#1a7f37;--fail:#cf222e;--skip:#9a6700;--err:#8250df;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;
  background:#f6f8fa}
header{background:#24292f;color:#fff;padding:12px 20px}
header h1{font-size:18px;margin:0}
header .meta{color:#c9d1d9;font-size:12px;margin-top:4px;word-break:break-all}
main{padding:16px 20px;max-width:1400px}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:12px 16px;
  margin-bottom:16px}
h2{font-size:16px;margin:0 0 10px}
h3{font-size:14px;margin:14px 0 6px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:110px}
.card .n{font-size:22px;font-weight:600}
.card.passed .n{color:var(--pass)}.card.failed .n{color:var(--fail)}
.card.skipped .n{color:var(--skip)}.card.error .n{color:var(--err)}
.filters{display:flex;gap:10px;flex-wrap:wrap;align-items:center;margin-bottom:10px}
.filters label{font-size:12px;color:var(--muted)}
select,input{font:inherit;padding:3px 6px}
table{border-collapse:collapse;width:100%;margin-bottom:8px}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-size:12px}
td.id{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;color:#fff}
.badge.passed{background:var(--pass)}.badge.failed{background:var(--fail)}
.badge.skipped{background:var(--skip)}.badge.error{background:var(--err)}
.badge.not-run,.badge.no-case{background:#8c959f}
.fail-list{margin:0;padding-left:16px}
.fail-list li{margin:2px 0}
code,pre{font-family:ui-monospace,monospace;font-size:12px}
pre{background:#f6f8fa;border:1px solid var(--line);padding:8px;overflow:auto;max-height:320px;
  white-space:pre-wrap;word-break:break-all}
.exp{color:var(--pass)}.act{color:var(--fail)}
button{font:inherit;padding:2px 10px;cursor:pointer}
.muted{color:var(--muted)}
.group{margin-top:14px}
.group>table{table-layout:fixed}
.group>table>thead th:nth-child(1){width:34%}.group>table>thead th:nth-child(2){width:8%}
.group>table>thead th:nth-child(3){width:7%}.group>table>thead th:nth-child(4){width:6%}
.group>table>thead th:nth-child(6){width:80px}
.scroll{max-height:460px;overflow:auto;border:1px solid var(--line)}
.scroll thead th{position:sticky;top:0}
.exchange{display:grid;grid-template-columns:1fr 1fr;gap:8px}
@media(max-width:900px){.exchange{grid-template-columns:1fr}}
)CSS";

constexpr std::string_view kScript = R"JS(
'use strict';
(function () {
  const data = JSON.parse(document.getElementById('popcheck-data').textContent);
  const CHUNK = 250;  // rows added per step: enough to fill a screen, small enough never to freeze
  const cases = data.cases;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined)
      e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    return e;
  }
  function badge(status) { return el('span', {class: 'badge ' + status, text: status}); }
  function clip(s, n) { s = String(s); return s.length > n ? s.slice(0, n) + '\u2026' : s; }
  function setText(id, v) { document.getElementById(id).textContent = String(v); }

  // Summary.
  const s = data.summary;
  for (const k of ['total', 'passed', 'failed', 'skipped', 'errors']) setText('count-' + k, s[k]);
  setText('count-duration', s.duration.toFixed(3) + ' s');

  // Filters: products and actions present in the run, in order of first appearance.
  const fStatus = document.getElementById('filter-status');
  const fProduct = document.getElementById('filter-product');
  const fAction = document.getElementById('filter-action');
  const fText = document.getElementById('filter-text');
  const products = [], actionsOf = new Map();
  for (const c of cases) {
    if (!actionsOf.has(c.product)) {
      products.push(c.product);
      actionsOf.set(c.product, new Set());
    }
    actionsOf.get(c.product).add(c.action);
  }
  for (const p of products) fProduct.appendChild(el('option', {value: p, text: p}));
  function fillActions() {
    const keep = fAction.value;
    fAction.replaceChildren(el('option', {value: '', text: 'all actions'}));
    const names = new Set();
    for (const p of (fProduct.value ? [fProduct.value] : products))
      for (const a of actionsOf.get(p)) names.add(a);
    for (const a of [...names].sort()) fAction.appendChild(el('option', {value: a, text: a}));
    fAction.value = names.has(keep) ? keep : '';
  }
  fillActions();

  // Results: the matching cases grouped by product and action, rendered CHUNK rows at a time.
  const results = document.getElementById('results');
  const more = document.getElementById('more');
  let matched = [], shown = 0, groupKey = null, tbody = null;

  function failureList(c) {
    const ul = el('ul', {class: 'fail-list'});
    for (const f of c.failures) {
      ul.appendChild(el('li', null, el('code', {text: f.check}),
        f.path ? ' at ' : '', f.path ? el('code', {text: f.path}) : null, ': expected ',
        el('code', {class: 'exp', text: clip(f.expected, 300)}), ', actual ',
        el('code', {class: 'act', text: clip(f.actual, 300)})));
    }
    return ul;
  }
  function exchangeText(x, isRequest) {
    const lines = [];
    if (isRequest) lines.push(x.method + ' ' + x.url); else lines.push('HTTP ' + x.status);
    for (const [k, v] of x.headers) lines.push(k + ': ' + v);
    if (x.body) { lines.push(''); lines.push(x.body); }
    return lines.join('\n');
  }
  function detailRow(c) {
    const td = el('td', {colspan: '6'});
    if (c.failures.length) {
      const t = el('table', null, el('tr', null, el('th', {text: 'check'}),
        el('th', {text: 'path'}),
        el('th', {text: 'expected'}), el('th', {text: 'actual'})));
      for (const f of c.failures)
        t.appendChild(el('tr', null, el('td', {text: f.check}),
          el('td', {class: 'id', text: f.path}),
          el('td', null, el('pre', {class: 'exp', text: f.expected})),
          el('td', null, el('pre', {class: 'act', text: f.actual}))));
      td.appendChild(t);
    }
    if (c.description) td.appendChild(el('p', {class: 'muted', text: c.description}));
    const ex = el('div', {class: 'exchange'});
    ex.appendChild(el('div', null, el('h3', {text: 'Request (credentials removed)'}),
      el('pre', {text: c.request ? exchangeText(c.request, true) : '(not sent)'})));
    ex.appendChild(el('div', null, el('h3', {text: 'Response'}),
      el('pre', {text: c.response ? exchangeText(c.response, false)
                                  : (c.error || '(no answer)')})));
    td.appendChild(ex);
    return el('tr', {class: 'detail'}, td);
  }
  function row(c) {
    let what = null;
    if (c.status === 'failed') what = failureList(c);
    else if (c.status === 'skipped')
      what = el('span', {class: 'muted', text: 'skipped: ' + c.skip_reason});
    else if (c.status === 'error') what = el('span', {class: 'act', text: c.error});
    const btn = el('button', {type: 'button', text: 'details'});
    const tr = el('tr', {class: 'case ' + c.status, 'data-status': c.status},
      el('td', {class: 'id', text: c.id}), el('td', {text: c.kind}),
      el('td', null, badge(c.status)),
      el('td', {text: c.duration.toFixed(3)}), el('td', null, what), el('td', null, btn));
    let open = null;
    btn.addEventListener('click', () => {
      if (open) { open.remove(); open = null; return; }
      open = detailRow(c);
      tr.after(open);
    });
    return tr;
  }
  function startGroup(c) {
    groupKey = c.product + '.' + c.action;
    tbody = el('tbody');
    results.appendChild(el('div', {class: 'group'}, el('h3', {text: groupKey}),
      el('table', null, el('thead', null, el('tr', null, el('th', {text: 'case'}),
        el('th', {text: 'kind'}), el('th', {text: 'status'}), el('th', {text: 'seconds'}),
        el('th', {text: 'result'}), el('th', {text: ''}))), tbody)));
  }
  function renderMore() {
    const end = Math.min(matched.length, shown + CHUNK);
    for (; shown < end; ++shown) {
      const c = cases[matched[shown]];
      if (c.product + '.' + c.action !== groupKey) startGroup(c);
      tbody.appendChild(row(c));
    }
    setText('shown-count', shown);
    more.hidden = shown >= matched.length;
  }
  function applyFilters() {
    const st = fStatus.value, pr = fProduct.value, ac = fAction.value;
    const tx = fText.value.trim().toLowerCase();
    // Grouped by product and action in order of first appearance, cases keeping their order.
    const groups = new Map();
    for (let i = 0; i < cases.length; ++i) {
      const c = cases[i];
      if ((st && c.status !== st) || (pr && c.product !== pr) || (ac && c.action !== ac) ||
          (tx && !c.id.toLowerCase().includes(tx))) continue;
      const k = c.product + '.' + c.action;
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(i);
    }
    matched = [].concat(...groups.values());
    shown = 0; groupKey = null; tbody = null;
    results.replaceChildren();
    setText('match-count', matched.length);
    renderMore();
    renderCoverage();
  }
  more.addEventListener('click', renderMore);
  // Scrolling near the end adds the next chunk, so long reports read like one page.
  if ('IntersectionObserver' in window) {
    new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && shown < matched.length) renderMore();
    }, {rootMargin: '600px'}).observe(more);
  }
  fProduct.addEventListener('change', () => { fillActions(); applyFilters(); });
  for (const f of [fStatus, fAction]) f.addEventListener('change', applyFilters);
  let typing = null;
  fText.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(applyFilters, 200);
  });

  // Coverage: totals, then one row per action (with the product and action filters applied).
  const cov = data.coverage;
  function renderCoverage() {
    const box = document.getElementById('coverage-body');
    if (!cov) {
      box.replaceChildren(el('p', {class: 'muted',
        text: 'No coverage: give the case catalogue with --cases to compare the run with ' +
              'the documentation.'}));
      return;
    }
    const t = cov.totals;
    const parts = [el('p', null,
      'Error codes exercised: ',
      el('strong', {id: 'cov-codes', text: t.codes_exercised + ' / ' + t.codes_documented}),
      ' (passed ' + t.codes_passed + '). Example cases run: ',
      el('strong', {id: 'cov-examples', text: t.examples_run + ' / ' + t.examples_documented}),
      ' (passed ' + t.examples_passed + '). Actions run: ' + t.actions_run + ' / ' +
      t.actions_documented + '. Skipped cases: ' + t.skipped + '.' +
      (cov.catalogue ? '' : ' (No catalogue: documented figures are 0.)'))];
    const pr = fProduct.value, ac = fAction.value;
    const tb = el('tbody');
    let n = 0;
    for (const a of cov.actions) {
      if ((pr && a.product !== pr) || (ac && a.action !== ac)) continue;
      ++n;
      const btn = a.errors.length || a.skips.length
        ? el('button', {type: 'button', text: 'codes and skips'}) : null;
      const tr = el('tr', {class: 'cov-row'}, el('td', {text: a.product}),
        el('td', {text: a.action}),
        el('td', {text: a.codes_exercised + ' / ' + a.codes_documented}),
        el('td', {text: a.examples_run + ' / ' + a.examples_documented}),
        el('td', {text: String(a.cases_run) + ' / ' + a.cases_total}),
        el('td', {text: String(a.skips.length)}),
        el('td', null, a.documented ? '' : 'not in catalogue ', btn));
      tb.appendChild(tr);
      if (btn) {
        let open = null;
        btn.addEventListener('click', () => {
          if (open) { open.remove(); open = null; return; }
          const td = el('td', {colspan: '7'});
          if (a.errors.length) {
            const ct = el('table', null, el('tr', null, el('th', {text: 'code'}),
              el('th', {text: 'HTTP'}),
              el('th', {text: 'state'}), el('th', {text: 'cases'})));
            for (const e of a.errors)
              ct.appendChild(el('tr', null,
                el('td', {class: 'id', text: e.code + (e.documented ? '' : ' (undocumented)')}),
                el('td', {text: e.http === undefined ? '' : String(e.http)}),
                el('td', null, badge(e.state)),
                el('td', {class: 'id', text: e.cases.join(', ')})));
            td.appendChild(ct);
          }
          if (a.skips.length) {
            const ul = el('ul');
            for (const k of a.skips)
              ul.appendChild(el('li', null, el('code', {text: k.id}), ': ' + k.reason));
            td.appendChild(el('div', null, el('h3', {text: 'Skipped'}), ul));
          }
          open = el('tr', null, td);
          tr.after(open);
        });
      }
    }
    parts.push(el('div', {class: 'scroll'}, el('table', null, el('thead', null, el('tr', null,
      el('th', {text: 'product'}),
      el('th', {text: 'action'}), el('th', {text: 'error codes exercised / documented'}),
      el('th', {text: 'examples run / documented'}), el('th', {text: 'cases run / in report'}),
      el('th', {text: 'skipped'}), el('th', {text: ''}))), tb)));
    if (!n) parts.push(el('p', {class: 'muted', text: 'No action matches the filters.'}));
    box.replaceChildren(...parts);
  }

  applyFilters();
  document.body.setAttribute('data-ready', 'true');
})();
)JS";

}  // namespace

ojson html_data(const core::RunReport& report, const ojson* coverage, const HtmlOptions& options) {
  core::Summary s = core::summarize(report);
  ojson j;
  j["title"] = options.title;
  j["source"] = options.source;
  j["endpoint"] = core::Redactor().url(report.endpoint);
  j["timestamp"] = report.timestamp;
  j["summary"] = ojson{{"passed", s.passed}, {"failed", s.failed}, {"skipped", s.skipped},
                       {"errors", s.errors}, {"total", s.total},   {"duration", s.duration_s}};
  ojson cases = ojson::array();
  for (const auto& c : report.cases) {
    ojson o = case_json(c);
    o["description"] = c.description;
    cases.push_back(std::move(o));
  }
  j["cases"] = std::move(cases);
  j["coverage"] = coverage ? *coverage : ojson(nullptr);
  return j;
}

std::string script_safe_json(const ojson& data) {
  // Bodies may hold invalid UTF-8: replaced rather than failing the whole report.
  std::string text = data.dump(-1, ' ', false, ojson::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_html(const core::RunReport& report, const ojson* coverage,
                        const HtmlOptions& options) {
  std::string title = escape_html(options.title);
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may come from the network: the policy makes a stray reference fail visibly in the
  // console instead of leaking a request.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<link rel=\"icon\" href=\"data:,\">\n";
  out += "<title>" + title + "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<header><h1>" + title + "</h1><div class=\"meta\">endpoint " +
         escape_html(core::Redactor().url(report.endpoint)) + " &middot; started " +
         escape_html(report.timestamp.empty() ? "(unknown)" : report.timestamp) +
         (options.source.empty() ? "" : " &middot; from " + escape_html(options.source)) +
         "</div></header>\n<main>\n";
  out += R"HTML(<noscript><p>This report needs JavaScript to show its data.</p></noscript>
<section id="summary"><h2>Summary</h2><div class="cards">
<div class="card"><div class="n" id="count-total"></div>cases</div>
<div class="card passed"><div class="n" id="count-passed"></div>passed</div>
<div class="card failed"><div class="n" id="count-failed"></div>failed</div>
<div class="card error"><div class="n" id="count-errors"></div>errors</div>
<div class="card skipped"><div class="n" id="count-skipped"></div>skipped</div>
<div class="card"><div class="n" id="count-duration"></div>duration</div>
</div></section>
<section id="coverage"><h2>Coverage</h2><div id="coverage-body"></div></section>
<section id="cases"><h2>Cases</h2>
<div class="filters">
<label>status <select id="filter-status"><option value="">all</option>
<option value="failed">failed</option><option value="error">error</option>
<option value="skipped">skipped</option><option value="passed">passed</option></select></label>
<label>product <select id="filter-product"><option value="">all products</option></select></label>
<label>action <select id="filter-action"></select></label>
<label>id <input id="filter-text" type="search" placeholder="part of a case id"></label>
<span class="muted">showing <span id="shown-count">0</span> of
<span id="match-count">0</span> matching cases</span>
</div>
<div id="results"></div>
<button id="more" type="button" hidden>show more</button>
</section>
</main>
<script type="application/json" id="popcheck-data">)HTML";
  out += script_safe_json(html_data(report, coverage, options));
  out += "</script>\n<script>";
  out += kScript;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace popcheck::reports
