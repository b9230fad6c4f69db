/**
 * The account page's one script, sent inline with the page's nonce: on submit of the
 * "add a passkey" form it asks the browser for a credential with the options the server put in
 * `#passkey-options`, writes the attestation (WebAuthn's JSON form) into the form's hidden
 * `credential` field and submits the form as an ordinary POST, CSRF token included. It calls
 * nothing else and loads nothing. Written as plain ES2020 text so it needs no build step.
 */
export const PASSKEY_REGISTER_SCRIPT = `(() => {
  const form = document.getElementById("passkey-register");
  const source = document.getElementById("passkey-options");
  const status = document.getElementById("passkey-status");
  if (!form || !source || !window.PublicKeyCredential) return;
  const bytes = (text) => Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4)), (c) => c.charCodeAt(0));
  const text = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const creationOptions = (json) =>
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function"
      ? PublicKeyCredential.parseCreationOptionsFromJSON(json)
      : { ...json, challenge: bytes(json.challenge), user: { ...json.user, id: bytes(json.user.id) }, excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: bytes(c.id) })) };
  const credentialJson = (credential) => {
    if (typeof credential.toJSON === "function") return credential.toJSON();
    const response = credential.response;
    return {
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: text(response.clientDataJSON), attestationObject: text(response.attestationObject), transports: response.getTransports ? response.getTransports() : [] },
    };
  };
  form.addEventListener("submit", async (event) => {
    if (form.elements.credential.value !== "") return;
    event.preventDefault();
    try {
      const credential = await navigator.credentials.create({ publicKey: creationOptions(JSON.parse(source.value)) });
      form.elements.credential.value = JSON.stringify(credentialJson(credential));
      form.submit();
    } catch (error) {
      status.textContent = status.dataset.failed;
    }
  });
})();`;
