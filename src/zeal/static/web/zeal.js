// Small enhancements; every page works without them.
(function () {
  "use strict";

  // On the boards page a streak ignores the period: grey the period control out for it.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select || select.id !== "metric-select") return;
    var option = select.options[select.selectedIndex];
    var ignores = option && option.hasAttribute("data-ignores-period");
    var periods = document.getElementById("periods");
    var note = document.getElementById("period-note");
    if (periods) periods.disabled = ignores;
    if (note) note.hidden = !ignores;
  }, true);

  // The practice form: "Exercise result" only for exercises.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select || select.id !== "type" || !select.form) return;
    select.form.querySelectorAll("[data-shown-for]").forEach(function (field) {
      field.hidden = field.getAttribute("data-shown-for") !== select.value;
    });
  });

  // The home page's hero: the time left until the learner's midnight, to the minute.
  function timeLeft(seconds) {
    if (seconds < 60) return "under a minute";
    var minutes = Math.floor(seconds / 60), hours = Math.floor(minutes / 60);
    minutes = minutes % 60;
    if (hours === 0) return minutes + " min";
    return minutes ? hours + " h " + minutes + " min" : hours + " h";
  }

  // Counted from what the server said when the page loaded, not from this device's clock,
  // which may be wrong.
  var loadedAt = window.performance ? performance.now() : 0;

  function countDown() {
    var elapsed = (performance.now() - loadedAt) / 1000;
    document.querySelectorAll("time[data-seconds-left]").forEach(function (time) {
      var left = Number(time.getAttribute("data-seconds-left")) - elapsed;
      if (left > 0) time.textContent = timeLeft(left);
    });
  }

  // A celebration shows once: tell Zeal as soon as it is on screen; its button then only
  // closes it. Without this script the button posts the same form.
  function celebrate() {
    var form = document.querySelector(".celebration form.celebration-seen");
    if (!form || !window.fetch) return;
    var marked = false;
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      headers: {"X-Requested-With": "fetch"},
      credentials: "same-origin"
    }).then(function (answer) { marked = answer.ok; });
    form.addEventListener("submit", function (event) {
      if (!marked) return;
      event.preventDefault();
      form.closest(".celebration").remove();
    });
    // Keyboard first: the button has the focus, and Escape closes the card as it does.
    var button = form.querySelector("button");
    if (button) button.focus();
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && document.body.contains(form)) form.requestSubmit();
    });
  }

  // Ask before actions that cannot be undone (forms with data-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  function avatarUrl(image, character, background) {
    return "/v1/avatars/" + image + ".svg?character=" + character.replace("#", "") +
      "&background=" + background.replace("#", "");
  }

  function checked(form, name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : null;
  }

  // Live preview of the avatar editor: the big picture and every animal in the chosen colours.
  function previewAvatar(form) {
    var image = checked(form, "image");
    var character = checked(form, "character_color");
    var background = checked(form, "background_color");
    if (!image || !character || !background) return;
    var preview = form.querySelector("#avatar-preview");
    if (preview) {
      preview.src = avatarUrl(image, character, background);
      var option = form.querySelector('img[data-avatar-option="' + image + '"]');
      if (option) preview.alt = "Preview of your avatar: " + option.alt.toLowerCase();
    }
    form.querySelectorAll("img[data-avatar-option]").forEach(function (img) {
      img.src = avatarUrl(img.getAttribute("data-avatar-option"), character, background);
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.closest && input.closest(".avatar-editor")) {
      previewAvatar(input.form);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("time[data-seconds-left]")) window.setInterval(countDown, 30000);
    celebrate();
    // Sign-up: fill in the browser's time zone, so the learner's day ends at their midnight.
    document.querySelectorAll("input[data-detect-timezone]").forEach(function (input) {
      if (!input.value && window.Intl) {
        input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
      }
    });
  });
})();
