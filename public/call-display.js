// The call display (/aufruf/{location}) follows the server-sent events of its location: each event
// carries the latest calls as JSON ([{ ticket, counter }]) and replaces the table's rows. Without
// JavaScript the page reloads itself (<noscript><meta http-equiv=refresh>).
(() => {
  const root = document.getElementById('call-display');
  if (!root || typeof EventSource === 'undefined') return;
  const table = root.querySelector('table');
  const body = root.querySelector('tbody');
  const empty = root.querySelector('.call-display__empty');
  const source = new EventSource(root.dataset.events);
  source.addEventListener('calls', (event) => {
    const calls = JSON.parse(event.data);
    const rows = calls.map((call) => {
      const row = document.createElement('tr');
      row.className = 'kern-table__row';
      for (const [text, extra] of [[call.ticket, ' call-display__ticket'], [call.counter, '']]) {
        const cell = document.createElement('td');
        cell.className = `kern-table__cell${extra}`;
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    });
    body.replaceChildren(...rows);
    table.hidden = calls.length === 0;
    empty.hidden = calls.length > 0;
  });
})();
