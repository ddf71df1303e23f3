// Small behaviours that progressive enhancement adds; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Confirmation for destructive actions: <form data-confirm="Revoke this role?">.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // Close the account menu when focus or a click leaves it.
  document.addEventListener("click", (event) => {
    document.querySelectorAll(".account-menu details[open]").forEach((menu) => {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
});
