/* Print buttons: an element marked [data-print] prints the page (print CSS hides the chrome).
 * The buttons are hidden until this script shows them, so without script nothing is offered
 * that does nothing. */
(function () {
  "use strict";

  function ready() {
    var buttons = document.querySelectorAll("[data-print]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
