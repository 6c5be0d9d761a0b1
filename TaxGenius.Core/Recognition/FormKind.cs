using TaxGenius.Core.Documents;

namespace TaxGenius.Core.Recognition;

/// <summary>What a document was recognized as: the forms a preparer receives most, a photo ID, a prior-year return, or other.</summary>
public enum FormKind
{
    Other,
    W2,
    Form1099Int,
    Form1099Div,
    Form1099B,
    Form1099Nec,
    Form1099Misc,
    Form1099R,
    Form1099G,
    Form1098,
    Form1098T,
    Form1095A,
    PhotoId,
    Form1040,
}

public static class FormKindExtensions
{
    public static string DisplayName(this FormKind kind) => kind switch
    {
        FormKind.W2 => "W-2",
        FormKind.Form1099Int => "1099-INT",
        FormKind.Form1099Div => "1099-DIV",
        FormKind.Form1099B => "1099-B",
        FormKind.Form1099Nec => "1099-NEC",
        FormKind.Form1099Misc => "1099-MISC",
        FormKind.Form1099R => "1099-R",
        FormKind.Form1099G => "1099-G",
        FormKind.Form1098 => "1098",
        FormKind.Form1098T => "1098-T",
        FormKind.Form1095A => "1095-A",
        FormKind.PhotoId => "photo ID",
        FormKind.Form1040 => "Form 1040",
        _ => "other document",
    };

    /// <summary>The upload category the form belongs in (the client chooses among these when uploading).</summary>
    public static DocumentType DocumentType(this FormKind kind) => kind switch
    {
        FormKind.W2 => Documents.DocumentType.W2,
        FormKind.Form1099Int or FormKind.Form1099Div or FormKind.Form1099B or FormKind.Form1099Nec or FormKind.Form1099Misc
            or FormKind.Form1099R or FormKind.Form1099G => Documents.DocumentType.Form1099,
        FormKind.Form1040 => Documents.DocumentType.TaxReturn,
        FormKind.PhotoId => Documents.DocumentType.Id,
        _ => Documents.DocumentType.Other,
    };

    /// <summary>Whether the form carries a tax year (a photo ID or an unknown document does not).</summary>
    public static bool HasTaxYear(this FormKind kind) => kind is not (FormKind.PhotoId or FormKind.Other);
}
