// Small behaviours that progressive enhancement adds; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Confirmation for destructive actions: <form data-confirm="Revoke this role?">.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // A form whose answer takes a while says so: <form data-working> with a hidden
  // <p data-working-status> inside, shown when the form is sent.
  document.querySelectorAll("form[data-working]").forEach((form) => {
    form.addEventListener("submit", () => {
      const status = form.querySelector("[data-working-status]");
      if (status) status.hidden = false;
      form.setAttribute("aria-busy", "true");
    });
  });
  // Close the account menu when focus or a click leaves it.
  document.addEventListener("click", (event) => {
    document.querySelectorAll(".account-menu details[open]").forEach((menu) => {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
});
