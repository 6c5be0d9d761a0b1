using TaxGenius.Core.Documents;

namespace TaxGenius.Core.Recognition;

/// <summary>
/// What recognition suggests about a document its owner filed as something else: "This looks like a 1099-INT for 2024 — you chose
/// W-2 for 2025." The suggested type and year are what accepting it sets (the year only when it is one the client may choose).
/// </summary>
public sealed record RecognitionSuggestion(FormKind Kind, int? FoundYear, DocumentType ChosenType, int ChosenYear, DocumentType SuggestedType,
    int SuggestedYear)
{
    /// <summary>Below this confidence recognition keeps quiet: a wrong suggestion costs more trust than a missed one.</summary>
    public const double MinConfidence = 0.6;

    public string Message
    {
        get
        {
            var found = FoundYear is { } year ? $"a {Kind.DisplayName()} for {year}" : $"a {Kind.DisplayName()}";
            return $"This looks like {found} — you chose {ChosenType.DisplayName()} for {ChosenYear}.";
        }
    }

    /// <summary>The change accepting it makes, in words ("Change to 1099 for 2024").</summary>
    public string Change => SuggestedYear == ChosenYear
        ? $"Change to {SuggestedType.DisplayName()}"
        : SuggestedType == ChosenType ? $"Change the year to {SuggestedYear}" : $"Change to {SuggestedType.DisplayName()} for {SuggestedYear}";

    /// <summary>
    /// Whether a preparer should look twice at a document filed as <paramref name="type"/> for <paramref name="year"/>: recognition
    /// disagrees, is unsure, or could barely read the photo.
    /// </summary>
    public static bool NeedsCheck(DocumentType type, int year, DocumentRecognition recognition) =>
        recognition.Illegible
        || (recognition is { Status: RecognitionStatus.Done, Kind: { } kind } && kind != FormKind.Other
            && (recognition.Confidence < MinConfidence || Disagrees(type, year, kind, recognition.TaxYear)));

    /// <summary>
    /// Whether a document recognized as <paramref name="kind"/> for <paramref name="foundYear"/> belongs in another category than
    /// <paramref name="type"/>, or another year than <paramref name="year"/> (only forms that carry a year, and only when one was found).
    /// </summary>
    public static bool Disagrees(DocumentType type, int year, FormKind kind, int? foundYear) =>
        kind.DocumentType() != type || (kind.HasTaxYear() && foundYear is { } found && found != year);

    /// <summary>
    /// The suggestion for a document filed as <paramref name="type"/> for <paramref name="year"/>, or null when recognition agrees,
    /// is unsure, found nothing it knows, or the owner already dismissed it (unless <paramref name="evenIfDismissed"/>: staff may refile
    /// what the client kept).
    /// </summary>
    public static RecognitionSuggestion? For(DocumentType type, int year, DocumentRecognition? recognition, IReadOnlyCollection<int> selectableYears,
        bool evenIfDismissed = false)
    {
        if (recognition is not { Status: RecognitionStatus.Done, Kind: { } kind } || (recognition.SuggestionDismissedAt is not null && !evenIfDismissed)
            || kind == FormKind.Other || recognition.Confidence < MinConfidence)
        {
            return null;
        }

        if (!Disagrees(type, year, kind, recognition.TaxYear))
        {
            return null;
        }

        var foundYear = kind.HasTaxYear() ? recognition.TaxYear : null;
        var suggestedYear = foundYear is { } found && selectableYears.Contains(found) ? found : year;
        return new RecognitionSuggestion(kind, foundYear, type, year, kind.DocumentType(), suggestedYear);
    }
}
