// Progressive enhancement of the Mängelmelder's maps (ADR 0026). Every map is a hidden
// [data-map-frame] the server rendered next to what the page says without JavaScript (the form's
// street and coordinate fields, the list, the address, the table of grid cells); this script
// shows it and draws what the page already holds, so no data comes from anywhere else.
(function () {
  'use strict';
  var L = window.L;
  if (!L) return;
  // Leaflet finds its icons through its stylesheet, which is added below and may not have loaded yet.
  L.Icon.Default.imagePath = '/static/leaflet/images/';

  // Leaflet inserts an attribution as HTML; the town's is plain text.
  function asText(text) {
    var el = document.createElement('span');
    el.textContent = text;
    return el.innerHTML;
  }

  function createMap(el) {
    el.parentNode.hidden = false;
    var map = L.map(el, { attributionControl: false });
    L.control.attribution({ prefix: false }).addAttribution(asText(el.getAttribute('data-attribution'))).addTo(map);
    L.tileLayer(el.getAttribute('data-tiles'), { maxZoom: 19 }).addTo(map);
    var b = el.getAttribute('data-bounds').split(',').map(Number);
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]]);
    return map;
  }

  function point(el) {
    var lat = parseFloat(el.getAttribute('data-lat'));
    var lon = parseFloat(el.getAttribute('data-lon'));
    return isNaN(lat) || isNaN(lon) ? null : L.latLng(lat, lon);
  }

  // The report form: a click, a dragged marker or the button sets latitude and longitude.
  function pick(el, map) {
    var form = el.closest('form');
    var latField = form.querySelector('input[name="breite"]');
    var lonField = form.querySelector('input[name="laenge"]');
    var marker = null;
    function typed() {
      var lat = parseFloat(latField.value.replace(',', '.'));
      var lon = parseFloat(lonField.value.replace(',', '.'));
      return isNaN(lat) || isNaN(lon) ? null : L.latLng(lat, lon);
    }
    function place(latLng, fill) {
      if (!marker) {
        marker = L.marker(latLng, { draggable: true, keyboard: true, title: el.getAttribute('data-marker-label'), alt: el.getAttribute('data-marker-label') }).addTo(map);
        marker.on('dragend', function () { place(marker.getLatLng(), true); });
      }
      marker.setLatLng(latLng);
      if (fill) {
        latField.value = latLng.lat.toFixed(6);
        lonField.value = latLng.lng.toFixed(6);
      }
    }
    var start = typed();
    if (start) {
      place(start, false);
      map.setView(start, 17);
    }
    map.on('click', function (e) { place(e.latlng, true); });
    [latField, lonField].forEach(function (field) {
      field.addEventListener('change', function () {
        var p = typed();
        if (p) { place(p, false); map.panTo(p); }
      });
    });
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'kern-btn kern-btn--secondary report-map-centre';
    button.innerHTML = '<span class="kern-label"></span>';
    button.firstChild.textContent = el.getAttribute('data-centre-label');
    button.addEventListener('click', function () { place(map.getCenter(), true); });
    el.parentNode.appendChild(button);
  }

  // The public list: a marker per report of the page, at its approximate place, linking to it.
  function reports(el, map) {
    var points = [];
    document.querySelectorAll('[data-report-lat]').forEach(function (item) {
      var p = L.latLng(parseFloat(item.getAttribute('data-report-lat')), parseFloat(item.getAttribute('data-report-lon')));
      var link = item.querySelector('a');
      var popup = document.createElement('a');
      popup.className = 'kern-link';
      popup.href = link.getAttribute('href');
      popup.textContent = item.getAttribute('data-report-title');
      L.marker(p, { title: item.getAttribute('data-report-title'), alt: item.getAttribute('data-report-title') }).bindPopup(popup).addTo(map);
      points.push(p);
    });
    if (points.length > 0) map.fitBounds(L.latLngBounds(points).pad(0.2), { maxZoom: 16 });
  }

  // The back office's report page: the exact place.
  function single(el, map) {
    var p = point(el);
    if (!p) return;
    L.marker(p, { title: el.getAttribute('data-marker-label'), alt: el.getAttribute('data-marker-label') }).addTo(map);
    map.setView(p, 17);
  }

  // The statistics: each row of the grid table as a rectangle, darker for more reports.
  function heat(el, map) {
    var rows = document.querySelectorAll('[data-cell]');
    var max = 0;
    rows.forEach(function (row) { max = Math.max(max, Number(row.getAttribute('data-count'))); });
    rows.forEach(function (row) {
      var c = row.getAttribute('data-cell').split(',').map(Number);
      var share = Number(row.getAttribute('data-count')) / max;
      L.rectangle([[c[0], c[1]], [c[2], c[3]]], { stroke: false, fillColor: '#b30000', fillOpacity: 0.15 + 0.65 * share })
        .bindTooltip(row.getAttribute('data-count')).addTo(map);
    });
  }

  var modes = { pick: pick, reports: reports, point: single, heat: heat };
  var maps = document.querySelectorAll('[data-map]');
  if (maps.length === 0) return;
  var css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = '/static/leaflet/leaflet.css';
  css.addEventListener('load', function () {
    maps.forEach(function (el) { modes[el.getAttribute('data-map')](el, createMap(el)); });
  });
  document.head.appendChild(css);
})();
