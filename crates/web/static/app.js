// pdscore web: drag and drop onto the upload zone, and a busy note while scoring.
// Progressive enhancement only: the form works without JavaScript.
(function () {
  "use strict";
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("file");
  var form = document.getElementById("upload-form");
  if (!zone || !input || !form) { return; }
  var nameOut = document.getElementById("file-name");
  function showName() {
    nameOut.textContent = input.files && input.files.length ? "Selected: " + input.files[0].name : "";
  }
  input.addEventListener("change", showName);
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (event) {
      event.preventDefault();
      zone.classList.remove("over");
    });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      showName();
    }
  });
  form.addEventListener("submit", function () {
    var button = document.getElementById("submit");
    var busy = document.getElementById("busy");
    if (button) { button.disabled = true; }
    if (busy) { busy.hidden = false; }
  });
})();
// Coming back to the form with the browser's back button re-enables it.
window.addEventListener("pageshow", function () {
  var button = document.getElementById("submit");
  var busy = document.getElementById("busy");
  if (button) { button.disabled = false; }
  if (busy) { busy.hidden = true; }
});
