using System.Globalization;
using System.Text;

namespace TaxGenius.Core.Documents;

/// <summary>
/// The name a client gave a file: shown back to people, never used as a path. Names that try to be a path, to hide their real
/// type (right-to-left overrides, invisible characters) or that are too long are refused with a message; characters that are
/// only awkward on some systems are replaced.
/// </summary>
public static class DocumentFileName
{
    public const int MaxLength = 255;

    /// <summary>The cleaned name, or the reason it is refused.</summary>
    public static (string? Name, string? Error) Clean(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return (null, "The file has no name. Rename it and try again.");
        }

        var name = raw.Normalize(NormalizationForm.FormC).Trim();
        var length = new StringInfo(name).LengthInTextElements;
        if (length > MaxLength)
        {
            return (null, $"The file name is too long ({length} characters). Shorten it to {MaxLength} characters or fewer and try again.");
        }

        if (name.Contains('/') || name.Contains('\\') || name is "." or ".." || name.StartsWith("..", StringComparison.Ordinal))
        {
            return (null, "The file name contains a folder path (/, \\ or ..). Upload the file itself under a plain name.");
        }

        foreach (var rune in name.EnumerateRunes())
        {
            if (IsDisguising(rune))
            {
                return (null, "The file name contains invisible or direction-changing characters, which can disguise a file's real type. Rename it and try again.");
            }
        }

        var cleaned = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            cleaned.Append(c is '<' or '>' or ':' or '"' or '|' or '?' or '*' ? '_' : c);
        }

        var result = cleaned.ToString().Trim().TrimEnd('.');
        return result.Length == 0 ? (null, "The file has no usable name. Rename it and try again.") : (result, null);
    }

    /// <summary>The name a downloaded copy gets: the cleaned name with the extension of its real kind when it has none.</summary>
    public static string ForDownload(string name, DocumentFileKind kind) =>
        DocumentFileKinds.FromExtension(Path.GetExtension(name)) == kind ? name : name + kind.Extension();

    /// <summary>The name's extension must agree with the content (or be absent): a JPEG named ".pdf" is refused, as is ".exe".</summary>
    public static string? CheckExtension(string name, DocumentFileKind kind)
    {
        var extension = Path.GetExtension(name);
        if (extension.Length == 0)
        {
            return null;
        }

        if (DocumentFileKinds.FromExtension(extension) is { } claimed)
        {
            return claimed == kind
                ? null
                : $"The file is named \"{extension}\" but its content is a {kind.DisplayName()}. Rename it to end in {kind.Extension()} or export it again, then retry.";
        }

        // Names like "W-2 (Acme Inc.)" have a dot but no real extension: only refuse extensions that name another format.
        return extension.Length <= 6 && extension.Skip(1).All(char.IsAsciiLetterOrDigit)
            ? $"Files ending in \"{extension}\" are not accepted. Upload a {DocumentFileKinds.AcceptedList} file."
            : null;
    }

    private static bool IsDisguising(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned;
}
