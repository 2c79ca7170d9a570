/* The chain editor: reorder, add and mark links for deletion (chains/edit_chain.html). */
(function () {
  const body = document.getElementById("links-body");
  const total = document.getElementById("id_links-TOTAL_FORMS");
  function renumber() {
    body.querySelectorAll("tr.link-row").forEach(function (tr, i) {
      const order = tr.querySelector("input.order-input");
      if (order) order.value = i + 1;
    });
  }
  body.addEventListener("click", function (ev) {
    const btn = ev.target.closest("button");
    if (!btn) return;
    const tr = btn.closest("tr");
    if (btn.classList.contains("move-up") && tr.previousElementSibling) {
      body.insertBefore(tr, tr.previousElementSibling);
      renumber();
    } else if (btn.classList.contains("move-down") && tr.nextElementSibling) {
      body.insertBefore(tr.nextElementSibling, tr);
      renumber();
    }
  });
  body.addEventListener("change", function (ev) {
    if (ev.target.classList.contains("delete-box")) {
      ev.target.closest("tr").classList.toggle("table-danger", ev.target.checked);
      ev.target.closest("tr").classList.toggle("opacity-50", ev.target.checked);
    }
  });
  document.getElementById("add-link").addEventListener("click", function () {
    const n = parseInt(total.value, 10);
    const html = document.getElementById("empty-link-row").innerHTML.replace(/__prefix__/g, String(n));
    body.insertAdjacentHTML("beforeend", html);
    total.value = n + 1;
    renumber();
    const rows = body.querySelectorAll("tr.link-row");
    const name = rows[rows.length - 1].querySelector("input[name$='-name']");
    if (name) name.focus();
  });
  renumber();
})();
