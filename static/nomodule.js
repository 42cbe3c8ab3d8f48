// Runs only in browsers without JavaScript modules (too old for the check):
// shows the static shell's guidance with that reason. Plain ES5 on purpose.
(function () {
  document.body.setAttribute('data-conncheck-boot', 'failed');
  var reason = document.getElementById('boot-reason');
  if (reason) reason.textContent = 'This browser is too old for the check: it does not run JavaScript modules or WebAssembly.';
  var box = document.getElementById('boot-failed');
  if (box) box.hidden = false;
})();
