/* Client-side search of the archive (layout/web/search.py writes the index and the page).
   The index arrives as window.layoutSearchIndex from search-index.js, a plain script, so the
   page also works from file:// (where browsers refuse fetch() of a local JSON file).
   A query is split into terms as the index was: runs of CJK characters into character bigrams
   (a single character stands for itself), runs of Latin letters and digits into words, after
   NFKC and lower-casing. An article is found when it has every term of the query. Results are
   drawn with DOM methods and textContent only: nothing from the index is parsed as HTML. */
(function () {
  "use strict";

  var CJK = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var RUNS = new RegExp("([" + CJK + "]+)|([0-9a-z\\u00c0-\\u024f]+)", "gu");
  var SHOWN = 50;

  function terms(text) {
    var out = [];
    var normal = text.normalize("NFKC").toLowerCase();
    var match;
    RUNS.lastIndex = 0;
    while ((match = RUNS.exec(normal)) !== null) {
      if (match[2]) {
        out.push(match[2]);
        continue;
      }
      var chars = Array.from(match[1]);
      if (chars.length === 1) {
        out.push(chars[0]);
      }
      for (var i = 0; i + 1 < chars.length; i++) {
        out.push(chars[i] + chars[i + 1]);
      }
    }
    return out;
  }

  /* The docs holding `term`: its own postings; for a single character, every term that holds it. */
  function docsWith(index, term) {
    var found = new Set(index.terms[term] || []);
    if (Array.from(term).length === 1 && /[^0-9a-z]/.test(term)) {
      Object.keys(index.terms).forEach(function (key) {
        if (key !== term && key.indexOf(term) !== -1) {
          index.terms[key].forEach(function (n) { found.add(n); });
        }
      });
    }
    return found;
  }

  function search(index, query) {
    var wanted = Array.from(new Set(terms(query)));
    if (!wanted.length) {
      return null;
    }
    var hits = null;
    wanted.forEach(function (term) {
      var docs = docsWith(index, term);
      hits = hits === null ? docs : new Set(Array.from(hits).filter(function (n) { return docs.has(n); }));
    });
    var needle = query.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
    return Array.from(hits).sort(function (a, b) {
      var inA = index.docs[a].headline.normalize("NFKC").toLowerCase().indexOf(needle) !== -1 ? 0 : 1;
      var inB = index.docs[b].headline.normalize("NFKC").toLowerCase().indexOf(needle) !== -1 ? 0 : 1;
      return inA - inB || a - b;   /* headline matches first, then newest first (the index's order) */
    });
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) {
      el.className = className;
    }
    if (text) {
      el.textContent = text;
    }
    return el;
  }

  function show(index, query, status, list) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    var hits = search(index, query);
    if (hits === null) {
      status.textContent = "";
      return;
    }
    status.textContent = hits.length ? status.dataset.found.replace("{n}", String(hits.length)) : status.dataset.none;
    if (hits.length > SHOWN) {
      status.textContent += "；" + status.dataset.more.replace("{n}", String(SHOWN));
    }
    hits.slice(0, SHOWN).forEach(function (n) {
      var doc = index.docs[n];
      var item = element("li", "result");
      var heading = element("h2", "result-title");
      var link = element("a", "", doc.headline);
      link.href = doc.url;
      heading.appendChild(link);
      item.appendChild(heading);
      item.appendChild(element("p", "meta", doc.paper + " " + doc.date + " " + doc.page));
      if (doc.lede) {
        item.appendChild(element("p", "lede", doc.lede));
      }
      list.appendChild(item);
    });
  }

  function start() {
    var index = window.layoutSearchIndex;
    var input = document.getElementById("q");
    var status = document.getElementById("search-status");
    var list = document.getElementById("search-results");
    if (!index || !input || !status || !list) {
      return;
    }
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      input.value = query;
    }
    input.addEventListener("input", function () { show(index, input.value, status, list); });
    show(index, input.value, status, list);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
