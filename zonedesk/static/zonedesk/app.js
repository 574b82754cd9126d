// Small behaviours of every page, bound from data- attributes: the Content-Security-Policy
// allows no inline script or event handler (docs/security.md), so templates carry no JavaScript.
(function () {
  // <select data-autosubmit>: choosing an option submits its form.
  document.addEventListener("change", (event) => {
    const el = event.target.closest("[data-autosubmit]");
    if (el && el.form) el.form.requestSubmit();
  });
  // <button data-print>: print the page.
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });
  // <form data-confirm="question">: asks before an action that cannot be undone with one tap.
  // An htmx form sends its request from its own submit handler, before this one would run:
  // it is asked on htmx:confirm instead, which holds the request until answered.
  document.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (form && !form.hasAttribute("hx-post") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:confirm", (event) => {
    const form = event.target.closest("form[data-confirm]");
    if (!form) return;
    event.preventDefault();
    if (window.confirm(form.dataset.confirm)) event.detail.issueRequest(true);
  });
  // A page shown again after a refused form is at the form's POST address: show the page's own.
  const own = document.querySelector('meta[name="zonedesk-page-url"]');
  if (own && own.content && own.content !== window.location.pathname) {
    window.history.replaceState(null, "", own.content + window.location.hash);
  }
  // Set through the CSS object model, which the policy allows (style="" attributes it does not).
  function apply(root) {
    root.querySelectorAll("[data-width]").forEach((el) => {
      el.style.width = `${Number(el.dataset.width) || 0}%`;
    });
    const focus = root.querySelector("[data-scroll-to]");
    if (focus) focus.scrollIntoView({ block: "center" });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => apply(document));
  } else {
    apply(document);
  }
  // Content swapped in by htmx (the import's progress) gets the same treatment.
  document.addEventListener("htmx:load", (event) => apply(event.target));
})();
