/* Najiz portal: the main navigation folds into a menu on narrow screens.
 * Loaded in <head> without `defer`, so the page is drawn folded from the first paint: it marks
 * <html> with `has-menu` (the stylesheet folds the links only then; without this script the
 * links simply wrap), and listens on the document for the menu button (templates/base.html):
 * a click (or Enter / Space) opens or closes the links and sets aria-expanded; Escape, with the
 * focus in the navigation, closes them and gives the focus back to the button. At desktop widths the button is hidden and the links stay a row.
 */
(function () {
  "use strict";

  var TOGGLE = "[data-menu-toggle]";
  document.documentElement.classList.add("has-menu");

  function setOpen(button, open) {
    var list = document.getElementById(button.getAttribute("aria-controls"));
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (list) {
      list.classList.toggle("is-open", open);
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(TOGGLE);
    if (button) {
      setOpen(button, button.getAttribute("aria-expanded") !== "true");
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var button = document.querySelector(TOGGLE + "[aria-expanded='true']");
    var nav = button && button.closest("nav");
    if (button && nav && nav.contains(document.activeElement)) {
      setOpen(button, false);
      button.focus();
    }
  });
})();
