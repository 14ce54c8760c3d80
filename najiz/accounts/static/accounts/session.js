// The warning before the session ends (accounts/_session_warning.html). The server decides: this
// only asks it again, with a background htmx request, when the warning is due (another tab may
// have kept the session going meanwhile) and once the end has come, when the server answers by
// sending the page to the sign-in. Loaded with `defer` after htmx.
(function () {
  "use strict";

  var SELECTOR = "[data-session-warning]";
  var timer = null;

  function arm(element) {
    var endsIn = parseInt(element.dataset.endsIn, 10);
    var warnBefore = parseInt(element.dataset.warnBefore, 10);
    if (isNaN(endsIn) || isNaN(warnBefore) || !window.htmx) {
      return;
    }
    // Hidden: ask again when the warning is due. Shown: ask again just after the end.
    var seconds = element.hidden ? endsIn - warnBefore : endsIn + 1;
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (element.isConnected) {
        window.htmx.trigger(element, "session:check");
      }
    }, Math.max(1, seconds) * 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.querySelector(SELECTOR);
    if (element) {
      arm(element);
    }
  });

  // The warning was swapped in afresh (checked, or "stay signed in" pressed).
  document.addEventListener("htmx:load", function (event) {
    var element = event.detail && event.detail.elt;
    if (element && element.matches && element.matches(SELECTOR)) {
      arm(element);
    }
  });
})();
