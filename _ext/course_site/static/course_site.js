// Accessible names for the theme's icon-only controls (loaded by _ext/course_site).
// Runs before Font Awesome turns the <i> icons into <svg>, and again after, to be safe.
(function () {
  function fix() {
    // A search button's name must contain its visible text ("Search Ctrl+K"): let the text name it.
    document.querySelectorAll(".search-button-field[aria-label]").forEach(function (button) {
      button.removeAttribute("aria-label");
    });
    // The colour-mode button is named "Color mode"; its icons are decoration.
    document.querySelectorAll(".theme-switch-button .theme-switch").forEach(function (icon) {
      icon.removeAttribute("title");
      icon.removeAttribute("role");
      icon.removeAttribute("aria-labelledby");
      icon.setAttribute("aria-hidden", "true");
      icon.querySelectorAll("title").forEach(function (t) { t.remove(); });
    });
    // The sidebar's expand/collapse toggles have only an icon: name them after their chapter.
    document.querySelectorAll("nav details > summary").forEach(function (summary) {
      if (summary.textContent.trim() || summary.hasAttribute("aria-label")) return;
      var link = summary.parentElement.parentElement.querySelector(":scope > a");
      var title = link ? link.textContent.trim() : "this chapter";
      summary.setAttribute("aria-label", "Show or hide the sections of " + title);
    });
  }
  document.addEventListener("DOMContentLoaded", fix);
  window.addEventListener("load", fix);
})();
