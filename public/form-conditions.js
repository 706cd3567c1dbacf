// Progressive enhancement: fields that only apply for some answers of the same step are hidden
// until they apply. Without JavaScript they stay visible and the server ignores them when they
// do not apply, so nothing depends on this script.
(function () {
  'use strict';
  function valueOf(form, name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) return checked.value;
    var control = form.querySelector('select[name="' + name + '"], input[name="' + name + '"]:not([type="radio"]):not([type="checkbox"])');
    return control ? control.value : '';
  }
  document.querySelectorAll('form.application-form').forEach(function (form) {
    var dependents = form.querySelectorAll('[data-when-field]');
    if (dependents.length === 0) return;
    function update() {
      dependents.forEach(function (el) {
        var values = JSON.parse(el.getAttribute('data-when-values') || '[]');
        el.hidden = values.indexOf(valueOf(form, el.getAttribute('data-when-field'))) === -1;
      });
    }
    form.addEventListener('change', update);
    update();
  });
})();
