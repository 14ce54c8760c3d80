/* Najiz portal: small progressive enhancements, no framework.
 * - Moves focus to a form's error summary when a page (or an htmx form response) shows one.
 * - Links in the error summary focus the field they name.
 * - A page marked with a [data-live] element (a case whose automation is running) is loaded
 *   afresh when the browser restores it from its back/forward cache, so its status is never
 *   shown stale; htmx re-processes content restored from its own history.
 * Loaded with `defer` after htmx (static/vendor/htmx).
 */
(function () {
  "use strict";

  var SUMMARY = "[data-error-summary]";
  var LIVE = "[data-live]";

  function focusErrorSummary(root) {
    var summary = (root || document).querySelector(SUMMARY);
    if (summary) {
      summary.focus();
      if (summary.scrollIntoView) {
        summary.scrollIntoView({ block: "start" });
      }
    }
    return summary;
  }

  function focusTargetOf(link) {
    var id = decodeURIComponent(link.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target) {
      return false;
    }
    // A group of radios or checkboxes: focus its first input.
    if (!/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName)) {
      var first = target.querySelector("input, select, textarea, button");
      target = first || target;
    }
    var field = target.closest(".field") || target;
    if (field.scrollIntoView) {
      field.scrollIntoView({ block: "center" });
    }
    target.focus();
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary(document);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(SUMMARY + " a[href^='#']");
    if (link && focusTargetOf(link)) {
      event.preventDefault();
    }
  });

  // After htmx submits a form and swaps in the answer, bring its error summary into focus.
  // Only on submit: live validation while typing must not move the focus.
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var config = detail.requestConfig || {};
    var trigger = config.triggeringEvent;
    if (!trigger || trigger.type !== "submit") {
      return;
    }
    var target = detail.target;
    var root = target && target.isConnected ? target.closest("form") || target : document;
    focusErrorSummary(root);
  });

  // htmx restored a page from its history: make sure its attributes are live again.
  document.addEventListener("htmx:historyRestore", function () {
    if (window.htmx) {
      window.htmx.process(document.body);
    }
  });

  // The browser restored the page from its back/forward cache: pages that show a live status
  // are loaded afresh rather than shown as they were when the user left them.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && document.querySelector(LIVE)) {
      window.location.reload();
    }
  });
})();
