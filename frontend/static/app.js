// Wattfolio's one script. Every page works without it; it adds:
//  - a whole table row opens its contract, as its link does (a wider mouse
//    target; the link stays the keyboard's way in);
//  - keyboard navigation for the portfolio table: ↓/↑ or j/k move between
//    rows, Home/End jump to the first/last row, Enter opens the contract,
//    "/" jumps to the search field;
//  - in the desktop window, CSV exports go through the native save dialog
//    (a WebKitGTK window has no download bar);
//  - [data-print] buttons print the page (inline handlers are refused by
//    the CSP), and [data-submit-on-change] fields submit their GET form.
(function () {
  "use strict";

  // The desktop window loads pages from wails://wails/ (Linux, macOS) or
  // http://wails.localhost/ (Windows).
  var desktop = location.hostname === "wails" || location.hostname === "wails.localhost";

  document.addEventListener("click", function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var t = e.target;
    if (!(t instanceof Element)) return;
    var link = t.closest("a[href]");
    if (desktop && link && isExportLink(link)) {
      e.preventDefault();
      saveExport(link.getAttribute("href"));
      return;
    }
    if (t.closest("[data-print]")) {
      window.print();
      return;
    }
    if (t.closest("a, button, input, select, label, summary")) return;
    if (window.getSelection && String(window.getSelection()).length > 0) return; // selecting text
    var row = t.closest("tr[data-href]");
    if (row) window.location.href = row.getAttribute("data-href");
  });

  // Keyboard navigation.

  function rowLinks() {
    return Array.prototype.slice.call(document.querySelectorAll("table.grid tbody tr .row-link"));
  }

  function typing(el) {
    if (!el || !(el instanceof Element)) return false;
    return el.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName);
  }

  function focusRow(links, i) {
    if (!links.length) return;
    i = Math.max(0, Math.min(links.length - 1, i));
    var a = links[i];
    a.focus();
    var row = a.closest("tr");
    if (row && row.scrollIntoView) row.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    var active = document.activeElement;
    if (typing(active)) {
      if (e.key === "Escape" && active.blur) active.blur();
      return;
    }
    if (e.key === "/") {
      var search = document.getElementById("f-q");
      if (search) {
        e.preventDefault();
        search.focus();
        search.select();
      }
      return;
    }
    var links = rowLinks();
    if (!links.length) return;
    var at = links.indexOf(active);
    switch (e.key) {
      case "ArrowDown":
      case "j":
        e.preventDefault();
        focusRow(links, at < 0 ? 0 : at + 1);
        break;
      case "ArrowUp":
      case "k":
        e.preventDefault();
        focusRow(links, at < 0 ? 0 : at - 1);
        break;
      case "Home":
        if (at < 0) return; // let the page scroll
        e.preventDefault();
        focusRow(links, 0);
        break;
      case "End":
        if (at < 0) return;
        e.preventDefault();
        focusRow(links, links.length - 1);
        break;
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var table = document.querySelector("table.grid");
    if (table) table.setAttribute("aria-keyshortcuts", "ArrowDown ArrowUp Home End /");
    followSync();
  });

  // Sync progress: while a sync runs, the Sync page's progress panel is
  // fetched again every second and swapped in, so the page stays where the
  // reader is; when the sync has ended the page loads once more to show
  // each source's final state. A failed fetch is tried again a little later.
  function followSync() {
    var el = document.getElementById("sync-progress");
    if (!el || el.getAttribute("data-running") !== "true") return;
    setTimeout(function () {
      fetch(el.getAttribute("data-poll"), { headers: { Accept: "text/html" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          var box = document.createElement("div");
          box.innerHTML = html;
          var next = box.querySelector("#sync-progress");
          if (!next) throw new Error("no panel");
          if (next.getAttribute("data-running") !== "true") {
            window.location.href = el.getAttribute("data-page");
            return;
          }
          el.replaceWith(next);
          followSync();
        })
        .catch(function () { setTimeout(followSync, 2000); });
    }, 1000);
  }

  // Desktop exports.

  // The CSV exports the desktop shell saves (exportKinds in desktop_shell.go).
  var exportRE = /^\/(contracts\.csv|savings\.csv|customers\/\d+\/compare\.csv|meters\/\d+\/readings\.csv)(\?|$)/;

  function isExportLink(a) {
    return exportRE.test(a.getAttribute("href") || "");
  }

  var busy = false;

  // saveExport asks the desktop shell to save the CSV behind href (an
  // export link with its page's filters) where the user chooses.
  function saveExport(href) {
    if (busy) return;
    busy = true;
    fetch("/desktop/export" + href, { method: "POST" })
      .then(function (r) { return r.json(); })
      .then(function (res) {
        if (res.cancelled) return;
        if (res.error) toast(res.error, true);
        else toast("Saved " + res.what + " to " + res.saved, false);
      })
      .catch(function () { toast("The export could not be saved.", true); })
      .then(function () { busy = false; });
  }

  var toastTimer;
  function toast(msg, bad) {
    var el = document.querySelector(".toast");
    if (!el) {
      el = document.createElement("div");
      el.className = "toast";
      el.setAttribute("role", "status");
      document.body.appendChild(el);
    }
    el.classList.toggle("toast-bad", !!bad);
    el.textContent = msg;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.hidden = true; }, bad ? 12000 : 8000);
  }

  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t instanceof Element && t.hasAttribute("data-submit-on-change") && t.form) t.form.submit();
  });

  // The desktop menu's "Export current view…" calls this: the page's own
  // export link (the portfolio's first) carries its filters; a page without
  // one exports the whole portfolio.
  window.wattfolio = {
    exportView: function () {
      var a = document.querySelector('a[href^="/contracts.csv"]');
      if (!a) a = Array.prototype.filter.call(document.querySelectorAll("a[href]"), isExportLink)[0];
      saveExport(a ? a.getAttribute("href") : "/contracts.csv");
    }
  };
})();
