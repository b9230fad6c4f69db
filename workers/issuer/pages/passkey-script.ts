/**
 * Our one script: WebAuthn in the browser, with the JSON encoding done by hand (base64url ↔
 * ArrayBuffer). It shows the passkey buttons only where the browser can use them (without
 * JavaScript they stay hidden and the other forms work), asks the authenticator on a click,
 * and posts the assertion in the page's ordinary form, CSRF token included, so the server runs
 * the same services as the JSON routes. It loads nothing and talks to no one.
 */
export const PASSKEY_SCRIPT = `(function () {
  if (!window.PublicKeyCredential || !navigator.credentials) return;
  var toBuffer = function (text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  };
  var toText = function (buffer) {
    var bytes = new Uint8Array(buffer), binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  };
  document.querySelectorAll("[data-passkey]").forEach(function (element) { element.hidden = false; });
  var form = document.getElementById("passkey-form");
  var button = document.getElementById("passkey-button");
  if (!form || !button) return;
  var options = JSON.parse(form.getAttribute("data-options"));
  button.addEventListener("click", function () {
    var publicKey = { challenge: toBuffer(options.challenge), timeout: options.timeout, rpId: options.rpId, userVerification: options.userVerification };
    if (options.allowCredentials) publicKey.allowCredentials = options.allowCredentials.map(function (c) { return { type: c.type, id: toBuffer(c.id), transports: c.transports }; });
    navigator.credentials.get({ publicKey: publicKey }).then(function (credential) {
      var response = credential.response;
      form.elements.namedItem("credential").value = JSON.stringify({
        id: credential.id,
        rawId: toText(credential.rawId),
        type: credential.type,
        response: {
          clientDataJSON: toText(response.clientDataJSON),
          authenticatorData: toText(response.authenticatorData),
          signature: toText(response.signature),
          userHandle: response.userHandle ? toText(response.userHandle) : null
        },
        authenticatorAttachment: credential.authenticatorAttachment || null,
        clientExtensionResults: credential.getClientExtensionResults()
      });
      form.submit();
    }, function () {
      var failed = document.getElementById("passkey-failed");
      if (failed) failed.hidden = false;
    });
  });
})();`;
