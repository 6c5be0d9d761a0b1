namespace TaxGenius.Core.Signatures;

/// <summary>
/// Where fields go before the preparer moves them: on Form 8879 the Part II signature lines of page 1 (taxpayer above spouse), on
/// other documents the bottom of the last page. Boxes are fractions of the page from its top-left corner.
/// </summary>
public static class SignatureDefaults
{
    public const double SignatureWidth = 0.36;
    public const double SignatureHeight = 0.045;
    public const double DateWidth = 0.16;
    public const double DateHeight = 0.03;

    public static IEnumerable<SignatureFieldInput> For(SignatureDocumentKind kind, int pageCount, IEnumerable<(Guid Id, SignerRole Role)> signers)
    {
        foreach (var (id, role) in signers)
        {
            var row = role == SignerRole.Taxpayer ? 0 : 1;
            var (page, top) = kind == SignatureDocumentKind.Form8879
                ? (1, 0.52 + (row * 0.07))
                : (Math.Max(1, pageCount), 0.74 + (row * 0.1));
            yield return new SignatureFieldInput(id, SignatureFieldKind.Signature, page, 0.12, top, SignatureWidth, SignatureHeight);
            yield return new SignatureFieldInput(id, SignatureFieldKind.Date, page, 0.66, top + SignatureHeight - DateHeight, DateWidth, DateHeight);
        }
    }
}
