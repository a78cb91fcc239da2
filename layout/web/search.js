/* Client-side search of the archive (layout/web/search.py writes the index and the page).
   search-index.js (a plain script, loaded before this one) sets window.layoutSearchIndex: how
   many parts the index has. The parts are scripts too, search/terms-NNN.js and search/docs-NNN.js,
   added to the page when a query needs them; each calls layoutSearchPart(name, data). Scripts,
   not fetch(): browsers refuse fetch() of local files, and so the page also works from file://.
   A query is split into terms as the index was: runs of CJK characters into character bigrams
   (a single character stands for itself), runs of Latin letters and digits into words, after
   NFKC and lower-casing. An article is found when it has every term of the query; those with
   every term in the headline come first, then the newest. Results are drawn with DOM methods
   and textContent only: nothing from the index is parsed as HTML. */
(function () {
  "use strict";

  var CJK = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  var RUNS = new RegExp("([" + CJK + "]+)|([0-9a-z\\u00c0-\\u024f]+)", "gu");
  var SHOWN = 50;
  var parts = {};      /* name -> data, once loaded */
  var waiting = {};    /* name -> callbacks until it is */

  window.layoutSearchPart = function (name, data) {
    parts[name] = data;
    (waiting[name] || []).forEach(function (callbacks) { callbacks.done(); });
    delete waiting[name];
  };

  /* Calls `done` once every named part is loaded (each script added to the page once), or
     `failed` if one cannot be. */
  function load(names, done, failed) {
    var missing = names.filter(function (name) { return !(name in parts); });
    var left = missing.length;
    if (!left) {
      done();
      return;
    }
    missing.forEach(function (name) {
      var first = !(name in waiting);
      (waiting[name] = waiting[name] || []).push({
        done: function () {
          if (--left === 0) {
            done();
          }
        },
        failed: failed
      });
      if (first) {
        var script = document.createElement("script");
        script.src = "search/" + name + ".js";
        script.onerror = function () {
          var callbacks = waiting[name] || [];
          delete waiting[name];
          document.head.removeChild(script);
          callbacks.forEach(function (c) { c.failed(); });
        };
        document.head.appendChild(script);
      }
    });
  }

  function pad(n) {
    return ("00" + n).slice(-3);
  }

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

  /* FNV-1a over the term's code points, as layout/web/search.py's term_shard. */
  function shard(term, shards) {
    var h = 0x811c9dc5;
    Array.from(term).forEach(function (ch) {
      h = Math.imul(h ^ ch.codePointAt(0), 0x01000193) >>> 0;
    });
    return h & (shards - 1);
  }

  function lone(term) {
    return Array.from(term).length === 1 && /[^0-9a-z]/.test(term);
  }

  /* The parts a query's terms are in: a single character may be in any term, so all parts. */
  function termParts(index, wanted) {
    var names = new Set();
    wanted.forEach(function (term) {
      for (var n = 0; n < index.shards; n++) {
        if (lone(term) || n === shard(term, index.shards) || n === shard("^" + term, index.shards)) {
          names.add("terms-" + pad(n));
        }
      }
    });
    return Array.from(names);
  }

  /* The docs holding `term` (with `prefix` "^": in the headline); a single character: every term holding it. */
  function docsWith(index, term, prefix) {
    var found = new Set();
    for (var n = 0; n < index.shards; n++) {
      var part = parts["terms-" + pad(n)];
      if (!part) {
        continue;
      }
      if (lone(term)) {
        Object.keys(part).forEach(function (key) {
          if (key.charAt(0) === "^" ? prefix && key.indexOf(term) !== -1 : !prefix && key.indexOf(term) !== -1) {
            part[key].forEach(function (d) { found.add(d); });
          }
        });
      } else {
        (part[prefix + term] || []).forEach(function (d) { found.add(d); });
      }
    }
    return found;
  }

  function all(index, wanted, prefix) {
    var hits = null;
    wanted.forEach(function (term) {
      var docs = docsWith(index, term, prefix);
      hits = hits === null ? docs : new Set(Array.from(hits).filter(function (d) { return docs.has(d); }));
    });
    return hits;
  }

  function search(index, wanted) {
    var inHeadline = all(index, wanted, "^");
    return Array.from(all(index, wanted, "")).sort(function (a, b) {
      return (inHeadline.has(b) ? 1 : 0) - (inHeadline.has(a) ? 1 : 0) || a - b;
    });
  }

  function doc(index, n) {
    return parts["docs-" + pad(Math.floor(n / index.chunk))][n % index.chunk];
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

  function draw(index, hits, status, list) {
    status.textContent = hits.length ? status.dataset.found.replace("{n}", String(hits.length)) : status.dataset.none;
    if (hits.length > SHOWN) {
      status.textContent += "；" + status.dataset.more.replace("{n}", String(SHOWN));
    }
    hits.slice(0, SHOWN).forEach(function (n) {
      var d = doc(index, n);
      var item = element("li", "result");
      var heading = element("h2", "result-title");
      var link = element("a", "", d.headline);
      link.href = d.url;
      heading.appendChild(link);
      item.appendChild(heading);
      item.appendChild(element("p", "meta", d.paper + " " + d.date + " " + d.page));
      if (d.lede) {
        item.appendChild(element("p", "lede", d.lede));
      }
      list.appendChild(item);
    });
  }

  var latest = 0;

  function show(index, query, status, list) {
    var asked = ++latest;
    var wanted = Array.from(new Set(terms(query)));
    function clear() {
      while (list.firstChild) {
        list.removeChild(list.firstChild);
      }
    }
    function failed() {
      if (asked === latest) {
        clear();
        status.textContent = status.dataset.failed;
      }
    }
    if (!wanted.length) {
      clear();
      status.textContent = "";
      return;
    }
    load(termParts(index, wanted), function () {
      if (asked !== latest) {
        return;
      }
      var hits = search(index, wanted);
      var chunks = new Set(hits.slice(0, SHOWN).map(function (n) { return "docs-" + pad(Math.floor(n / index.chunk)); }));
      load(Array.from(chunks), function () {
        if (asked === latest) {
          clear();
          draw(index, hits, status, list);
        }
      }, failed);
    }, failed);
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
