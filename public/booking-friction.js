// Proof of work for the booking form (src/modules/appointments/booking-friction.ts): finds a
// number whose SHA-256 together with the form's challenge starts with the required zero bits,
// while the citizen types. Without this script (or without Web Crypto) the server accepts the
// form once it has been open a few seconds instead.
(() => {
  const form = document.querySelector('form[data-friction-bits]');
  if (!form || !window.crypto?.subtle) return;
  const bits = Number(form.dataset.frictionBits);
  const challenge = form.elements.namedItem('challenge').value;
  const solution = form.elements.namedItem('solution');
  const status = document.getElementById('friction-status');
  const encoder = new TextEncoder();
  const batch = 512;
  let solved = false;
  let submitWhenSolved = false;

  const leadingZeroBits = (buffer) => {
    let count = 0;
    for (const byte of new Uint8Array(buffer)) {
      if (byte !== 0) return count + Math.clz32(byte) - 24;
      count += 8;
    }
    return count;
  };

  const search = async () => {
    for (let from = 0; ; from += batch) {
      const numbers = Array.from({ length: batch }, (_, i) => from + i);
      const digests = await Promise.all(numbers.map((n) => crypto.subtle.digest('SHA-256', encoder.encode(`${challenge}:${n}`))));
      const hit = digests.findIndex((digest) => leadingZeroBits(digest) >= bits);
      if (hit >= 0) return String(numbers[hit]);
    }
  };

  search().then((found) => {
    solution.value = found;
    solved = true;
    if (submitWhenSolved) form.submit();
  });

  form.addEventListener('submit', (event) => {
    if (solved) return;
    event.preventDefault();
    submitWhenSolved = true;
    if (status) status.textContent = status.dataset.working;
  });
})();
