using System.Globalization;
using System.Text.RegularExpressions;

namespace TaxGenius.Core.Recognition;

/// <summary>What a document is, how sure the rules are (0–1), and its tax year when it has one.</summary>
public sealed record Classification(FormKind Kind, double Confidence, int? TaxYear);

/// <summary>
/// Rules over the forms' fixed wording: each form's title ("Wage and Tax Statement"), its number ("W-2", "1099-INT") and a few box
/// labels only it has ("Social security wages"). The best-scoring form wins; its confidence falls when another form scores close
/// (a 1040 mentions "Form(s) W-2" but has its own title and lines). The tax year is the year printed with the title or after "tax
/// year"/"calendar year", not a date's year (a birth date, an expiry).
/// </summary>
public static partial class FormClassifier
{
    private sealed record Rule(FormKind Kind, string[] Titles, Regex Number, string[] Labels);

    private const double TitleWeight = 3, NumberWeight = 2, LabelWeight = 1;

    /// <summary>A score at which a form counts as recognized with full confidence (title + number + one label).</summary>
    private const double Certain = TitleWeight + NumberWeight + LabelWeight;

    private static readonly Rule[] Rules =
    [
        new(FormKind.W2, ["wage and tax statement"], W2Number(),
            ["social security wages", "medicare wages", "employer identification number", "wages, tips, other compensation", "federal income tax withheld"]),
        new(FormKind.Form1099Int, ["interest income"], Number("1099-int"),
            ["early withdrawal penalty", "savings bonds", "interest on u.s.", "payer's tin"]),
        new(FormKind.Form1099Div, ["dividends and distributions"], Number("1099-div"),
            ["total ordinary dividends", "qualified dividends", "capital gain distr", "payer's tin"]),
        new(FormKind.Form1099B, ["proceeds from broker", "barter exchange transactions"], Number("1099-b"),
            ["cost or other basis", "date sold or disposed", "date acquired", "proceeds"]),
        new(FormKind.Form1099Nec, ["nonemployee compensation"], Number("1099-nec"),
            ["direct sales", "payer's tin", "recipient's tin"]),
        new(FormKind.Form1099Misc, ["miscellaneous information", "miscellaneous income"], Number("1099-misc"),
            ["rents", "royalties", "other income", "fishing boat proceeds"]),
        new(FormKind.Form1099R, ["distributions from pensions"], Number("1099-r"),
            ["gross distribution", "taxable amount", "distribution code", "ira/sep/simple"]),
        new(FormKind.Form1099G, ["certain government payments"], Number("1099-g"),
            ["unemployment compensation", "state or local income tax refunds"]),
        new(FormKind.Form1098, ["mortgage interest statement"], Number("1098"),
            ["mortgage interest received", "outstanding mortgage principal", "mortgage origination date"]),
        new(FormKind.Form1098T, ["tuition statement"], Number("1098-t"),
            ["payments received for qualified tuition", "scholarships or grants", "filer's"]),
        new(FormKind.Form1095A, ["health insurance marketplace statement"], Number("1095-a"),
            ["marketplace identifier", "monthly enrollment premiums", "policy start date"]),
        new(FormKind.Form1040, ["individual income tax return"], Number("1040"),
            ["adjusted gross income", "taxable income", "filing status", "standard deduction", "total tax"]),
        new(FormKind.PhotoId, ["driver license", "driver's license", "identification card", "passport"], IdNumber(),
            ["date of birth", "dob", "exp", "class", "sex"]),
    ];

    public static Classification Classify(DocumentText text, int latestYear)
    {
        var plain = Normalize(text.Plain);
        var scores = Rules.Select(rule => (rule, Score: Score(rule, plain))).OrderByDescending(s => s.Score).ToList();
        var (best, score) = scores[0];
        var second = scores[1].Score;
        if (score < TitleWeight)
        {
            return new Classification(FormKind.Other, 0, null);
        }

        var confidence = Math.Min(1, score / Certain) * (1 - (second / score / 2));
        var year = best.Kind.HasTaxYear() ? FindYear(text, best, latestYear) : null;
        return new Classification(best.Kind, Math.Round(confidence, 2), year);
    }

    private static double Score(Rule rule, string plain)
    {
        var words = Words.Of(plain);
        var score = rule.Titles.Any(t => plain.Contains(t, StringComparison.Ordinal) || Words.ContainsPhrase(words, t)) ? TitleWeight : 0;
        score += rule.Number.IsMatch(plain) ? NumberWeight : 0;
        score += rule.Labels.Count(l => plain.Contains(l, StringComparison.Ordinal) || Words.ContainsPhrase(words, l)) * LabelWeight;
        return score;
    }

    /// <summary>
    /// Candidate years (2000 … <paramref name="latestYear"/>) standing alone or in "(2024)", scored by where they stand: on the title's
    /// line, after "tax year"/"calendar year"/"for year", alone on a line. A year inside a date (04/15/2025) is not a candidate.
    /// </summary>
    private static int? FindYear(DocumentText text, Rule rule, int latestYear)
    {
        var scores = new Dictionary<int, double>();
        foreach (var line in text.Pages.SelectMany(p => p.Lines))
        {
            var lineText = Normalize(string.Join(' ', line.Select(w => w.Text)));
            var onTitle = rule.Titles.Any(t => lineText.Contains(t, StringComparison.Ordinal) || Words.ContainsPhrase(Words.Of(lineText), t))
                || rule.Number.IsMatch(lineText);
            foreach (Match match in YearToken().Matches(lineText))
            {
                var year = int.Parse(match.Groups["year"].Value, CultureInfo.InvariantCulture);
                if (year < 2000 || year > latestYear)
                {
                    continue;
                }

                var before = lineText[..match.Index];
                var score = 1.0;
                score += onTitle ? 3 : 0;
                score += YearLead().IsMatch(before) ? 3 : 0;
                score += line.Count <= 2 ? 1 : 0;
                scores[year] = scores.GetValueOrDefault(year) + score;
            }
        }

        return scores.Count == 0 ? null : scores.OrderByDescending(s => s.Value).ThenByDescending(s => s.Key).First().Key;
    }

    /// <summary>Lower case, curly quotes straightened, runs of spaces one space: the rules are written against this.</summary>
    public static string Normalize(string text) =>
        Spaces().Replace(text.ToLowerInvariant().Replace('’', '\'').Replace('‘', '\'').Replace('–', '-').Replace('—', '-'), " ");

    private static Regex Number(string number) =>
        new($@"(?<![\w-]){Regex.Escape(number)}(?![\w-])", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    [GeneratedRegex(@"(?<![\w-])w-?2(?![\w-])", RegexOptions.CultureInvariant)]
    private static partial Regex W2Number();

    [GeneratedRegex(@"\b(?:dl|lic(?:ense)?|id)\s*(?:no\.?|#|number)", RegexOptions.CultureInvariant)]
    private static partial Regex IdNumber();

    [GeneratedRegex(@"(?<![\d/.\-])\(?(?<year>(?:19|20)\d{2})\)?(?![\d/.\-]|,\d)", RegexOptions.CultureInvariant)]
    private static partial Regex YearToken();

    [GeneratedRegex(@"(?:tax year|calendar year|for year|year)\s*:?\s*\(?$", RegexOptions.CultureInvariant)]
    private static partial Regex YearLead();

    [GeneratedRegex(@"[ \t]+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();
}
