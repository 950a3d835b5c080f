// Progressive enhancement of the bid form: a running total of the points typed,
// so a person sees before saving whether the set fits the budget. The service
// still checks every saved set; without this file the form works the same.
(function () {
  "use strict";
  function start() {
    document.querySelectorAll("form[data-bid-form]").forEach(function (form) {
      var budget = parseInt(form.getAttribute("data-budget"), 10) || 0;
      var total = form.querySelector("[data-bid-total]");
      if (!total) return;
      function update() {
        var sum = 0;
        form.querySelectorAll('input[name^="points-"]').forEach(function (input) {
          var value = parseInt(input.value, 10);
          if (value > 0) sum += value;
        });
        var over = sum > budget;
        total.textContent = "This set: " + sum + " of " + budget + " points" +
          (over ? ", " + (sum - budget) + " over the budget" : ", " + (budget - sum) + " left");
        total.classList.toggle("over", over);
      }
      form.addEventListener("input", update);
      total.hidden = false;
      update();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
