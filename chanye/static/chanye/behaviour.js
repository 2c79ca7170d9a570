/* Small behaviours every page may use, by data- attribute instead of inline handlers (Content-Security-Policy
   forbids onchange=/onsubmit=; docs/decisions/0008-content-security-policy.md):
   - <select data-autosubmit> submits its form when changed; data-clear="name other" empties those fields first;
   - <form data-confirm="问题？"> asks before submitting;
   - <button data-busy="计算中…"> shows those words and stays disabled once its form is sent (long work). */
(function () {
  "use strict";
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (!el.matches || !el.matches("[data-autosubmit]") || !el.form) return;
    (el.dataset.clear || "").split(/\s+/).forEach(function (name) {
      if (name && el.form.elements[name]) el.form.elements[name].value = "";
    });
    el.form.submit();
  });
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) { ev.preventDefault(); return; }
    var busy = form.querySelector && form.querySelector("button[data-busy]");
    if (busy) {
      busy.textContent = busy.dataset.busy;
      window.setTimeout(function () { busy.disabled = true; }, 0);  // after the submission has taken the button's value
    }
  }, true);
})();
