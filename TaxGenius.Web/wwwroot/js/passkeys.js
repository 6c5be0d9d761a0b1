// The <passkey-submit> element (after ASP.NET Core 10's Blazor template, PasskeySubmit.razor.js): when its form is sent with the
// passkey button, it fetches options from the server, asks the browser for a passkey and posts the form with the credential as JSON
// (or the reason there is none). On a sign-in page it also offers the browser's passkey autofill where the browser supports it.
const browserSupportsPasskeys =
    typeof window.PublicKeyCredential !== 'undefined' &&
    typeof window.PublicKeyCredential.parseCreationOptionsFromJSON === 'function' &&
    typeof window.PublicKeyCredential.parseRequestOptionsFromJSON === 'function';

async function fetchWithErrorHandling(url, options = {}) {
    const response = await fetch(url, { credentials: 'include', ...options });
    if (!response.ok) {
        throw new Error(response.status === 429
            ? 'Too many attempts from this network. Please wait a few minutes.'
            : 'The server could not start a passkey request. Please reload the page and try again.');
    }
    return response;
}

async function createCredential(headers, signal) {
    const response = await fetchWithErrorHandling('/Account/PasskeyCreationOptions', { method: 'POST', headers, signal });
    const optionsJson = await response.json();
    const options = PublicKeyCredential.parseCreationOptionsFromJSON(optionsJson);
    return await navigator.credentials.create({ publicKey: options, signal });
}

async function requestCredential(headers, mediation, signal) {
    // Never with an e-mail address: the options would tell a visitor whether an account exists (every passkey is discoverable).
    const response = await fetchWithErrorHandling('/Account/PasskeyRequestOptions', { method: 'POST', headers, signal });
    const optionsJson = await response.json();
    const options = PublicKeyCredential.parseRequestOptionsFromJSON(optionsJson);
    return await navigator.credentials.get({ publicKey: options, mediation, signal });
}

function friendlyError(error) {
    if (error?.name === 'NotAllowedError') {
        return 'No passkey was used: the request was cancelled or timed out. Try again, or sign in another way.';
    }
    if (error?.name === 'InvalidStateError') {
        return 'This device already holds a passkey for your account. Use it to sign in, or add one on another device.';
    }
    if (error?.name === 'SecurityError') {
        return 'This browser refused passkeys for this address. Open TaxGenius at its usual address and try again.';
    }
    return error?.message || 'The passkey could not be used. Please try again.';
}

customElements.define('passkey-submit', class extends HTMLElement {
    static formAssociated = true;

    connectedCallback() {
        this.internals = this.attachInternals();
        this.attrs = {
            operation: this.getAttribute('operation'),
            name: this.getAttribute('name'),
            requestTokenName: this.getAttribute('request-token-name'),
            requestTokenValue: this.getAttribute('request-token-value'),
        };

        this.internals.form.addEventListener('submit', (event) => {
            if (event.submitter?.name === '__passkeySubmit') {
                event.preventDefault();
                this.obtainAndSubmitCredential();
            }
        });

        this.tryAutofillPasskey();
    }

    disconnectedCallback() {
        this.abortController?.abort();
    }

    async obtainCredential(useConditionalMediation, signal) {
        if (!browserSupportsPasskeys) {
            throw new Error('This browser cannot use passkeys. Update it, or sign in another way.');
        }

        const headers = { [this.attrs.requestTokenName]: this.attrs.requestTokenValue };
        if (this.attrs.operation === 'Create') {
            return await createCredential(headers, signal);
        }
        if (this.attrs.operation === 'Request') {
            return await requestCredential(headers, useConditionalMediation ? 'conditional' : undefined, signal);
        }
        throw new Error(`Unknown passkey operation '${this.attrs.operation}'.`);
    }

    async obtainAndSubmitCredential(useConditionalMediation = false) {
        this.abortController?.abort();
        this.abortController = new AbortController();
        const signal = this.abortController.signal;
        const formData = new FormData();
        try {
            const credential = await this.obtainCredential(useConditionalMediation, signal);
            formData.append(`${this.attrs.name}.CredentialJson`, JSON.stringify(credential));
        } catch (error) {
            if (error?.name === 'AbortError') {
                // Replaced by a newer request (the button pressed while autofill waited): that one posts.
                return;
            }
            if (useConditionalMediation) {
                // Autofill is an offer, not a step: its failures are silent.
                return;
            }
            formData.append(`${this.attrs.name}.Error`, friendlyError(error));
        }
        this.internals.setFormValue(formData);
        this.internals.form.submit();
    }

    async tryAutofillPasskey() {
        if (browserSupportsPasskeys && this.attrs.operation === 'Request'
            && await PublicKeyCredential.isConditionalMediationAvailable?.()) {
            await this.obtainAndSubmitCredential(/* useConditionalMediation */ true);
        }
    }
});
