/* Najiz portal: a date in both calendars (najiz/common/widgets.py, common/widgets/hijri_date.html).
 * Picking or typing the Gregorian date fills the Hijri day, month and year, and giving all three
 * Hijri parts fills the Gregorian date: the Umm al-Qura calendar, from the same table as the
 * server's (hijridate; scripts/hijri_table.py writes it here). Arabic-Indic digits are read as
 * digits. A Hijri day that does not exist empties the Gregorian date, and the server says why.
 * The other calendar is filled before a form's own listeners hear of the edit, and a Hijri year
 * typed sends a `change` from the widget, so a form's live checks run with both.
 * No framework; loaded with `defer`.
 */
(function () {
  "use strict";

  // BEGIN TABLE
  var FIRST_MONTH_START = 23999; // the first month's reduced Julian day (JDN − 2400000)
  var MONTH_LENGTHS = "212212220222112121212121212131202212112212211221112212212211212121221130212121222032121211212212212121112212212121212121212212122112121212212121212121212212112121221121212121212122221211211221222121121121212121212122212121212121212121212121212121212122212121202221212121212122212121212121212121212121212121212122212121221221212121212121212112121222121212112122121212121212212121221122212121211221121122212121211212122122212121212121121212121212212121212121212212112121212212211212121221212121212121212121212211212221221121212122112121212122122121212121212121212122212121221211212121212122112121212122212111212122212121211221212212112121212221211212121221212121212121221212121212121221221211212122121212112121222121211212122212121121122122212112112212212121212121212212121212121212212121211212212212121121212221212112121221221211211221222121121122122122112112122212121211212212212121211212212122121211212122212121121212212212121121222212112111222212211211122212212121121212212212112121212212122121121212212212112121221221211211222122121121122122122112121212122121212112122212121211212212212121121212212211212121212212121212121212212211212112212221121121212221212112121222121211212122122121121212122121212121212122121221121212122212112112122212211211212221212121121221221212112121221221212112121221221211212121222121121212122211212121122212121212112212122121211212122212121121122122212112112212221211211221221212121122121221212121212121212212121121221221212112121222121211211222212121121212212212112121212212121212112212212211211221212221121121221221212121121221212212112121221221211212121222121121121222122112112122122211211212212212121121212212122112121212122122121121212212212112112212221211211221221221121122121222112121212122121212112122122121211212122212121121212212212112121212212122112121212212211212112212221121121212221212112121222121211212122122112121212122121212121212121221221121121222"; // 1: 30 days, 0: 29, from Muharram 1343
  // END TABLE
  var FIRST_YEAR = 1343;
  var EPOCH_RJD = 40588; // 1970-01-01
  var DAY_MS = 86400000;

  var starts = [FIRST_MONTH_START];
  for (var i = 0; i < MONTH_LENGTHS.length; i++) {
    starts.push(starts[i] + 28 + Number(MONTH_LENGTHS.charAt(i)));
  }

  function digits(text) {
    return String(text || "").trim().replace(/[\u0660-\u0669\u06f0-\u06f9]/g, function (c) {
      var code = c.charCodeAt(0);
      return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
    });
  }

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // {year, month, day} of an ISO Gregorian date, or null outside the table.
  function toHijri(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(digits(iso));
    if (!m) {
      return null;
    }
    var rjd = Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS + EPOCH_RJD;
    if (rjd < starts[0] || rjd >= starts[starts.length - 1]) {
      return null;
    }
    var lo = 0, hi = starts.length - 1;
    while (hi - lo > 1) { // starts[lo] <= rjd < starts[hi]
      var mid = (lo + hi) >> 1;
      if (starts[mid] <= rjd) { lo = mid; } else { hi = mid; }
    }
    return { year: FIRST_YEAR + Math.floor(lo / 12), month: (lo % 12) + 1, day: rjd - starts[lo] + 1 };
  }

  // The ISO Gregorian date of a Hijri date, or "" when there is no such day in the table.
  function fromHijri(year, month, day) {
    var index = (year - FIRST_YEAR) * 12 + (month - 1);
    if (!(index >= 0 && index < MONTH_LENGTHS.length && month >= 1 && month <= 12)) {
      return "";
    }
    if (!(day >= 1 && day <= starts[index + 1] - starts[index])) {
      return "";
    }
    var when = new Date((starts[index] + day - 1 - EPOCH_RJD) * DAY_MS);
    return when.getUTCFullYear() + "-" + pad(when.getUTCMonth() + 1) + "-" + pad(when.getUTCDate());
  }

  function part(widget, name) {
    return widget.querySelector("[data-date-part='" + name + "']");
  }

  function announce(widget) {
    widget.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fillHijri(widget) {
    var hijri = toHijri(part(widget, "gregorian").value);
    part(widget, "day").value = hijri ? String(hijri.day) : "";
    part(widget, "month").value = hijri ? String(hijri.month) : "";
    part(widget, "year").value = hijri ? String(hijri.year) : "";
  }

  function fillGregorian(widget) {
    var day = digits(part(widget, "day").value);
    var month = digits(part(widget, "month").value);
    var year = digits(part(widget, "year").value);
    if (!day || !month || year.length < 4) {
      return false; // still being given
    }
    part(widget, "gregorian").value = /^\d+$/.test(day + month + year) ? fromHijri(+year, +month, +day) : "";
    return true;
  }

  function onEdit(event) {
    var target = event.target;
    var widget = target && target.closest && target.closest("[data-hijri-date]");
    if (!widget || target === widget) {
      return;
    }
    var which = target.getAttribute("data-date-part");
    var filled = false;
    if (which === "gregorian") {
      fillHijri(widget);
      filled = true;
    } else if (which === "day" || which === "month" || which === "year") {
      filled = fillGregorian(widget);
    }
    // A select or the date input sends its own `change` next; the year typed sends none until
    // the person leaves it, so a form's live checks hear of the day filled in from here.
    if (filled && which === "year" && event.type === "input") {
      announce(widget);
    }
  }

  // In the capture phase: the other calendar is filled before the form's own listeners
  // (htmx's live checks) read the event.
  document.addEventListener("input", onEdit, true);
  document.addEventListener("change", onEdit, true);

  window.najizHijri = { toHijri: toHijri, fromHijri: fromHijri };
})();
