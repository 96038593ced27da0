// Page behaviours, as attributes instead of inline handlers (the Content-Security-Policy
// allows scripts from this site only):
//   <form data-confirm="Sure?">        asks before submitting
//   <form data-busy-on-submit>         disables its button and shows its spinner on submit
//   <select data-submit-on-change>     submits its form when changed
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    if (form.hasAttribute("data-busy-on-submit")) {
      var button = form.querySelector("button");
      var spinner = form.querySelector(".spinner-border");
      if (button) button.disabled = true;
      if (spinner) spinner.classList.remove("d-none");
    }
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLElement && field.hasAttribute("data-submit-on-change") && field.form) {
      field.form.submit();
    }
  });
})();
