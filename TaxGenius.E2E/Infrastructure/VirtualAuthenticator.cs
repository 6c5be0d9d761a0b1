namespace TaxGenius.E2E.Infrastructure;

/// <summary>
/// A passkey authenticator inside Chromium (the DevTools WebAuthn domain over a CDP session): a platform authenticator that keeps
/// discoverable credentials, verifies the user (as a fingerprint would) and answers without a prompt. One per page; it survives
/// navigations and signing out, like the device it stands for.
/// </summary>
public sealed class VirtualAuthenticator
{
    private readonly ICDPSession session;
    private readonly string id;

    private VirtualAuthenticator(ICDPSession session, string id)
    {
        this.session = session;
        this.id = id;
    }

    public static async Task<VirtualAuthenticator> AttachAsync(IPage page)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        await session.SendAsync("WebAuthn.enable", new() { ["enableUI"] = false });
        var added = await session.SendAsync("WebAuthn.addVirtualAuthenticator", new()
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["ctap2Version"] = "ctap2_1",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return new VirtualAuthenticator(session, added!.Value.GetProperty("authenticatorId").GetString()!);
    }

    /// <summary>The credentials it holds: (credential id in base64, relying party id, signature count).</summary>
    public async Task<IReadOnlyList<(string CredentialId, string RpId, int SignCount)>> CredentialsAsync()
    {
        var answer = await session.SendAsync("WebAuthn.getCredentials", new() { ["authenticatorId"] = id });
        return answer!.Value.GetProperty("credentials").EnumerateArray()
            .Select(c => (c.GetProperty("credentialId").GetString()!, c.GetProperty("rpId").GetString()!, c.GetProperty("signCount").GetInt32()))
            .ToList();
    }

    /// <summary>Makes the page skip the browser's passkey autofill, so that the "Sign in with a passkey" button is what signs in.</summary>
    public static Task WithoutAutofillAsync(IPage page) =>
        page.AddInitScriptAsync("if (window.PublicKeyCredential) { PublicKeyCredential.isConditionalMediationAvailable = async () => false; }");

}
