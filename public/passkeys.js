// Passkeys (WebAuthn) need the browser's API, so this part cannot work without JavaScript. The
// forms it drives are ordinary forms: the script asks the server for options, lets the browser run
// its dialog, puts the answer (or the name of the browser's error) into hidden fields and submits;
// the server verifies, then answers 303 or shows the error next to the button as for any form.
(function () {
  'use strict';
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) return;

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    var binary = atob(base64 + '==='.slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function withBytes(list) {
    return (list || []).map(function (c) { return { id: toBytes(c.id), type: c.type, transports: c.transports }; });
  }

  // The options come as JSON (base64url strings); the API wants the binary fields as bytes.
  function creationOptions(o) {
    return Object.assign({}, o, {
      challenge: toBytes(o.challenge),
      user: Object.assign({}, o.user, { id: toBytes(o.user.id) }),
      excludeCredentials: withBytes(o.excludeCredentials),
    });
  }

  function requestOptions(o) {
    return Object.assign({}, o, { challenge: toBytes(o.challenge), allowCredentials: withBytes(o.allowCredentials) });
  }

  // The credential as JSON, in the shape @simplewebauthn/server reads (WebAuthn's toJSON()).
  function credentialJson(credential) {
    var r = credential.response;
    var response = { clientDataJSON: toBase64url(r.clientDataJSON) };
    if (r.attestationObject) {
      response.attestationObject = toBase64url(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = toBase64url(r.authenticatorData);
      response.signature = toBase64url(r.signature);
      if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
    }
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: response,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
    };
    if (credential.authenticatorAttachment) json.authenticatorAttachment = credential.authenticatorAttachment;
    return json;
  }

  function fetchOptions(form) {
    var body = new URLSearchParams();
    body.append('_csrf', form.querySelector('input[name="_csrf"]').value);
    return fetch(form.getAttribute('data-passkey-options'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    }).then(function (response) {
      if (!response.ok) throw new Error('options ' + response.status);
      return response.json();
    });
  }

  function runCeremony(form) {
    var register = form.getAttribute('data-passkey') === 'register';
    return fetchOptions(form).then(function (options) {
      return register
        ? navigator.credentials.create({ publicKey: creationOptions(options) })
        : navigator.credentials.get({ publicKey: requestOptions(options) });
    });
  }

  document.querySelectorAll('[data-passkey-needs-script]').forEach(function (el) { el.hidden = true; });
  document.querySelectorAll('[data-passkey-section]').forEach(function (el) { el.hidden = false; });

  document.querySelectorAll('form[data-passkey]').forEach(function (form) {
    var busy = false;
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (busy) return;
      var credentialField = form.querySelector('input[name="credential"]');
      var problemField = form.querySelector('input[name="problem"]');
      credentialField.value = '';
      problemField.value = '';
      // A passkey needs its name first; without one the server says so, and no passkey is made.
      var name = form.querySelector('input[name="passkeyName"]');
      if (name && !name.value.trim()) {
        form.submit();
        return;
      }
      busy = true;
      runCeremony(form)
        .then(function (credential) { credentialField.value = JSON.stringify(credentialJson(credential)); })
        .catch(function (error) { problemField.value = (error && error.name) || 'Error'; })
        .then(function () { form.submit(); });
    });
  });
})();
