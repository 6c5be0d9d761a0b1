namespace TaxGenius.Web.Components.Account;

/// <summary>What the passkey element posts with its form: the browser's credential as JSON, or why there is none.</summary>
public sealed class PasskeyInputModel
{
    public string? CredentialJson { get; set; }

    public string? Error { get; set; }
}

/// <summary>Create: register a passkey (navigator.credentials.create). Request: sign in with one (navigator.credentials.get).</summary>
public enum PasskeyOperation
{
    Create = 0,
    Request = 1,
}
