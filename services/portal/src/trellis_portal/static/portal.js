// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // Live notifications: a server-sent event stream; the badge and a toast update
  // without a reload. EventSource reconnects by itself after a network drop.
  function startNotifications() {
    var badge = document.querySelector("[data-unread-count]");
    var toasts = document.querySelector("[data-toasts]");
    if (!badge || !window.EventSource) return;
    var stream = new EventSource("/api/v1/notifications/stream");
    stream.addEventListener("unread", function (event) {
      var data = JSON.parse(event.data);
      badge.textContent = data.count > 0 ? String(data.count) : "";
    });
    stream.addEventListener("notification", function (event) {
      var note = JSON.parse(event.data);
      if (!toasts) return;
      var toast = document.createElement("div");
      toast.className = "toast";
      toast.setAttribute("data-notification", note.kind || "");
      var link = document.createElement("a");
      link.href = note.link || "/notifications";
      link.textContent = note.title;
      toast.appendChild(link);
      toasts.appendChild(toast);
      setTimeout(function () { toast.remove(); }, 15000);
    });
  }

  // Skill autocomplete: inputs with data-skill-autocomplete get suggestions
  // from the taxonomy in a <datalist>.
  function startSkillAutocomplete() {
    document.querySelectorAll("input[data-skill-autocomplete]").forEach(function (input, index) {
      var list = document.createElement("datalist");
      list.id = "skill-options-" + index;
      input.setAttribute("list", list.id);
      input.after(list);
      var timer = null;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        var text = input.value.trim();
        if (text.length < 2) return;
        timer = setTimeout(function () {
          fetch("/api/v1/skills?q=" + encodeURIComponent(text), { credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.json() : { skills: [] }; })
            .then(function (data) {
              list.innerHTML = "";
              (data.skills || []).forEach(function (skill) {
                var option = document.createElement("option");
                option.value = skill.skill_id;
                option.label = skill.name;
                list.appendChild(option);
              });
            });
        }, 200);
      });
    });
  }

  // Long operations: elements with data-progress-url poll a JSON endpoint that
  // answers {done, total, finished, message} and show it in a <progress>.
  function startProgress() {
    document.querySelectorAll("[data-progress-url]").forEach(function (box) {
      var bar = box.querySelector("progress");
      var text = box.querySelector("[data-progress-text]");
      function poll() {
        fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (p) {
            if (bar) { bar.max = p.total || 1; bar.value = p.done || 0; }
            if (text) text.textContent = p.message || "";
            if (!p.finished) setTimeout(poll, 700);
            else box.setAttribute("data-finished", "true");
          })
          .catch(function () { setTimeout(poll, 2000); });
      }
      poll();
    });
  }

  window.trellis = { csrf: csrf };
  document.addEventListener("DOMContentLoaded", function () {
    startNotifications();
    startSkillAutocomplete();
    startProgress();
  });
})();
