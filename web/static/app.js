// callbrief workspace: keyboard navigation and small conveniences. No build step, no inline code.
// Queue: j/k move, Enter opens, c claims the selected case, o opens it at the outcome form.
// Case page: c claims, o jumps to the outcome form.
(function () {
  "use strict";

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr.case-row"));
  }

  var selectedCase = null;

  function select(row) {
    rows().forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    if (!row) { return; }
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    selectedCase = row.getAttribute("data-case");
    row.scrollIntoView({ block: "nearest" });
  }

  function current() {
    var all = rows();
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute("data-case") === selectedCase) { return i; }
    }
    return -1;
  }

  function typing(event) {
    var t = event.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName));
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) { return; }
    var all = rows();
    var key = event.key;
    if (all.length) {
      var i = current();
      if (key === "j") { select(all[Math.min(i + 1, all.length - 1)]); event.preventDefault(); return; }
      if (key === "k") { select(all[Math.max(i - 1, 0)]); event.preventDefault(); return; }
      var row = all[i];
      if (!row) { return; }
      if (key === "Enter") { window.location.href = row.getAttribute("data-href"); event.preventDefault(); return; }
      if (key === "o") { window.location.href = row.getAttribute("data-href") + "#outcome-form"; event.preventDefault(); return; }
      if (key === "c") {
        var claim = row.querySelector("form.claim-form");
        if (claim) { claim.submit(); }
        event.preventDefault();
      }
      return;
    }
    var claimForm = document.getElementById("claim-form");
    var outcome = document.getElementById("outcome-form");
    if (key === "c" && claimForm) { claimForm.submit(); event.preventDefault(); }
    if (key === "o" && outcome) { focusOutcome(); event.preventDefault(); }
  });

  function focusOutcome() {
    var outcome = document.getElementById("outcome-form");
    if (!outcome) { return; }
    outcome.scrollIntoView({ block: "start" });
    var result = document.getElementById("result");
    if (result) { result.focus(); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) { return; }
      var done = function () { button.textContent = button.getAttribute("data-done"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value || source.textContent).then(done, function () {});
      } else {
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.execCommand("copy");
        done();
      }
      return;
    }
    var row = event.target.closest ? event.target.closest("tr.case-row") : null;
    if (row && !event.target.closest("a, button, form")) { select(row); }
  });

  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("autosubmit")) {
      event.target.form.submit();
    }
  });

  // after a live refresh, keep the same case selected (or the first one)
  document.addEventListener("htmx:afterSwap", function () {
    var all = rows();
    var i = current();
    select(i >= 0 ? all[i] : all[0]);
    document.body.setAttribute("data-queue-refreshed", String(Date.now()));
  });

  // a Copy button beside every draft in the embedded brief (reply, private messages)
  function addCopyButtons() {
    var frame = document.getElementById("brief");
    if (!frame) { return; }
    var drafts = frame.querySelectorAll(".draft");
    for (var i = 0; i < drafts.length; i++) {
      drafts[i].id = drafts[i].id || "draft-" + i;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy small";
      button.textContent = frame.getAttribute("data-copy");
      button.setAttribute("data-copy", drafts[i].id);
      button.setAttribute("data-done", frame.getAttribute("data-done"));
      drafts[i].insertAdjacentElement("afterend", button);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    addCopyButtons();
    if (rows().length) { select(rows()[0]); }
    if (window.location.hash === "#outcome-form") { focusOutcome(); }
  });
})();
