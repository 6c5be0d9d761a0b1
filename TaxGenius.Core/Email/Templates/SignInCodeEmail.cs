namespace TaxGenius.Core.Email.Templates;

/// <summary>An e-mailed sign-in code (second step, password-less sign-in or recovery). High priority: someone waits on the sign-in page.</summary>
public sealed record SignInCodeEmail(string FirstName, string Code, int ValidMinutes, bool Recovery) : EmailTemplate
{
    public override string Subject => Recovery ? "Your TaxGenius account recovery code" : "Your TaxGenius sign-in code";
    public override Type ComponentType => typeof(SignInCodeEmailView);
    public override bool HighPriority => true;
    public override string Name => "sign-in-code";
}
