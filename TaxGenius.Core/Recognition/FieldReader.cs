using System.Globalization;
using System.Text.RegularExpressions;

namespace TaxGenius.Core.Recognition;

/// <summary>What a field's value looks like.</summary>
public enum FieldValueKind
{
    Money,
    Text,
    Ein,
    State,
    Box12,
    Code,
}

/// <summary>
/// A box a preparer retypes: its key (stable, in the CSV), its label on screen, the printed labels that find it, its shape, and for the
/// filer's name on an IRS form, the rest of its name-and-address block's label, read when OCR lost the label's first word (whose it is).
/// </summary>
public sealed record FieldSpec(string Key, string Label, string[] PrintedLabels, FieldValueKind Kind, string[]? BlockLabels = null);

/// <summary>A value read from a document (an amount as invariant "1234.56", text as printed).</summary>
public sealed record ExtractedField(string Key, string Label, string Value);

/// <summary>
/// Reads the boxes a preparer retypes from a recognized form's words by place: it finds the box's printed label, then the nearest word
/// of the value's shape below it in the label's column (the IRS layout: the value under the label in the box) or to its right on the
/// same line (payroll providers' and substitute statements' "Label ....... value"). Works the same on a PDF's text layer and on OCR
/// output, since both give words with boxes.
/// </summary>
public static partial class FieldReader
{
    /// <summary>Labels are small print; a taller match is a heading.</summary>
    private const double MaxLabelHeight = 12;

    /// <summary>The payer's block label on a 1099 without "PAYER'S", from its start or, when its first words are garbled, its end.</summary>
    private static readonly string[] PayerBlock = ["name, street address, city or town", "address, city or town, state, and zip code"];

    private static readonly Dictionary<FormKind, FieldSpec[]> Specs = new()
    {
        [FormKind.W2] =
        [
            new("employer_name", "Employer name", ["employer's name, address, and zip code", "employer's name", "employer name"], FieldValueKind.Text,
                ["name, address, and zip code"]),
            new("employer_ein", "Employer EIN", ["employer identification number", "employer id number", "employer's fed id number", "ein"], FieldValueKind.Ein),
            new("box1", "Box 1 Wages, tips, other compensation", ["wages, tips, other compensation", "wages, tips, other comp"], FieldValueKind.Money),
            new("box2", "Box 2 Federal income tax withheld", ["federal income tax withheld", "federal income tax"], FieldValueKind.Money),
            new("box3", "Box 3 Social security wages", ["social security wages"], FieldValueKind.Money),
            new("box5", "Box 5 Medicare wages and tips", ["medicare wages and tips", "medicare wages"], FieldValueKind.Money),
            new("box12", "Box 12 codes", ["see instructions for box 12", "box 12"], FieldValueKind.Box12),
            new("state", "Box 15 State", ["state"], FieldValueKind.State),
            new("box16", "Box 16 State wages", ["state wages, tips, etc.", "state wages"], FieldValueKind.Money),
            new("box17", "Box 17 State income tax", ["state income tax"], FieldValueKind.Money),
        ],
        [FormKind.Form1099Int] =
        [
            new("payer_name", "Payer name", ["payer's name, street address, city or town, state, and zip code", "payer's name"], FieldValueKind.Text, PayerBlock),
            new("box1", "Box 1 Interest income", ["interest income"], FieldValueKind.Money),
            new("box3", "Box 3 Interest on U.S. Savings Bonds and Treasury obligations", ["interest on u.s. savings bonds and treasury obligations", "interest on u.s. savings bonds"], FieldValueKind.Money),
            new("box4", "Box 4 Federal income tax withheld", ["federal income tax withheld"], FieldValueKind.Money),
        ],
        [FormKind.Form1099Div] =
        [
            new("payer_name", "Payer name", ["payer's name, street address, city or town, state, and zip code", "payer's name"], FieldValueKind.Text, PayerBlock),
            new("box1a", "Box 1a Total ordinary dividends", ["total ordinary dividends"], FieldValueKind.Money),
            new("box1b", "Box 1b Qualified dividends", ["qualified dividends"], FieldValueKind.Money),
            new("box4", "Box 4 Federal income tax withheld", ["federal income tax withheld"], FieldValueKind.Money),
        ],
        [FormKind.Form1099Nec] =
        [
            new("payer_name", "Payer name", ["payer's name, street address, city or town, state, and zip code", "payer's name"], FieldValueKind.Text, PayerBlock),
            new("box1", "Box 1 Nonemployee compensation", ["nonemployee compensation"], FieldValueKind.Money),
            new("box4", "Box 4 Federal income tax withheld", ["federal income tax withheld"], FieldValueKind.Money),
        ],
        [FormKind.Form1099R] =
        [
            new("payer_name", "Payer name", ["payer's name, street address, city or town, state, and zip code", "payer's name"], FieldValueKind.Text, PayerBlock),
            new("box1", "Box 1 Gross distribution", ["gross distribution"], FieldValueKind.Money),
            new("box2a", "Box 2a Taxable amount", ["taxable amount"], FieldValueKind.Money),
            new("box4", "Box 4 Federal income tax withheld", ["federal income tax withheld"], FieldValueKind.Money),
            new("box7", "Box 7 Distribution code", ["distribution code(s)", "distribution code"], FieldValueKind.Code),
        ],
        [FormKind.Form1098] =
        [
            new("lender_name", "Lender name", ["recipient's/lender's name, address, and telephone number", "recipient's/lender's name", "lender's name"], FieldValueKind.Text,
                ["name, address, and telephone number", "name, address, and"]),
            new("box1", "Box 1 Mortgage interest", ["mortgage interest received from payer(s)/borrower(s)", "mortgage interest received"], FieldValueKind.Money),
            new("box2", "Box 2 Outstanding mortgage principal", ["outstanding mortgage principal"], FieldValueKind.Money),
        ],
    };

    /// <summary>The fields read for <paramref name="kind"/> (none for forms without a field list).</summary>
    public static IReadOnlyList<FieldSpec> SpecsFor(FormKind kind) => Specs.GetValueOrDefault(kind) ?? [];

    public static IReadOnlyList<ExtractedField> Read(DocumentText text, FormKind kind)
    {
        var fields = new List<ExtractedField>();
        foreach (var spec in SpecsFor(kind))
        {
            if (Find(text, spec) is { } value)
            {
                fields.Add(new ExtractedField(spec.Key, spec.Label, value));
            }
        }

        return fields;
    }

    private static string? Find(DocumentText text, FieldSpec spec)
    {
        // The labels as printed first; then, for a numbered box, its label after its own number with one word garbled or lost.
        var number = BoxKey().Match(spec.Key) is { Success: true } box ? box.Groups["n"].Value : null;
        foreach (var anchored in number is null ? [false] : new[] { false, true })
        {
            foreach (var printed in spec.PrintedLabels)
            {
                var tokens = Tokens(printed);
                foreach (var page in text.Pages)
                {
                    var lines = page.Lines;
                    for (var l = 0; l < lines.Count; l++)
                    {
                        foreach (var (start, end) in anchored ? AfterBoxNumber(lines[l], tokens, number!) : Matches(lines[l], tokens))
                        {
                            if (ValueNear(lines, l, start, end, spec.Kind) is { } value)
                            {
                                return value;
                            }
                        }
                    }
                }
            }
        }

        return spec.BlockLabels is { } block ? FromBlock(text, block) : null;
    }

    /// <summary>
    /// The filer's name when OCR of a photo lost or garbled the first word of its block's label ("PAYER'S", "RECIPIENT'S/LENDER'S"), as
    /// on a tilted or shaded photo: the block label without it. On the IRS forms the filer's block is the topmost name-and-address block,
    /// above the TINs; the recipient's, with the same words, comes below them. So only the topmost match above the first line naming a
    /// TIN counts, and if its value cannot be read, nothing is: a lower block would be the recipient's, the client's own name.
    /// </summary>
    private static string? FromBlock(DocumentText text, string[] blockLabels)
    {
        foreach (var page in text.Pages)
        {
            var lines = page.Lines;
            var tins = Enumerable.Range(0, lines.Count).FirstOrDefault(l => lines[l].Any(w => Token(w.Text) == "tin"), lines.Count);
            for (var l = 0; l < tins; l++)
            {
                var line = lines[l];
                if (blockLabels.SelectMany(label => Matches(line, Tokens(label))).OrderBy(m => m.Start).Select(m => ((int Start, int End)?)m)
                        .FirstOrDefault() is { } match)
                {
                    // The block's column starts where the lost words stood, at the page's left edge as the filer's block does on the IRS
                    // forms; the next box's label stands to the right.
                    return match.Start <= 2 ? ValueNear(lines, l, 0, match.End, FieldValueKind.Text, columnLeft: double.NegativeInfinity) : null;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The label right after the box's own number ("1 Interest income", "1a Total ordinary dividends"), as OCR of a photo leaves it:
    /// one word garbled beyond <see cref="Words.Similar"/> ("1 merest income"), or, in a label of three words or more, one word lost
    /// ("3 Social wages", "la ordinary dividends" with the "1" read as an "l"), or only its last word left ("1 income"). The number in
    /// front is what makes the looser match safe:
    /// another box's label stands after another number. The match starts at the number: the box's column starts there even when a lost
    /// word leaves a gap after it.
    /// </summary>
    private static IEnumerable<(int Start, int End)> AfterBoxNumber(IReadOnlyList<TextWord> line, string[] tokens, string number)
    {
        if (tokens.Length < 2)
        {
            yield break;
        }

        for (var i = 0; i < line.Count - 1; i++)
        {
            if (!ReadsAsBoxNumber(line[i].Text, number))
            {
                continue;
            }

            var first = i + 1;
            if (first + tokens.Length <= line.Count
                && Enumerable.Range(0, tokens.Length).Count(t => !Words.Similar(Token(line[first + t].Text), tokens[t])) <= 1)
            {
                yield return (i, first + tokens.Length - 1);
                continue;
            }

            var found = false;
            for (var lost = 0; tokens.Length >= 3 && lost < tokens.Length && !found; lost++)
            {
                var kept = tokens.Where((_, t) => t != lost).ToArray();
                if (first + kept.Length <= line.Count && kept.Select((token, t) => Words.Similar(Token(line[first + t].Text), token)).All(same => same))
                {
                    found = true;
                    yield return (i, first + kept.Length - 1);
                }
            }

            // Only the label's last word kept after the number, the words before it lost ("1 income", "la dividends", "i compensation"):
            // a word of four letters or more, so not a number or a short word many labels end with.
            if (!found && tokens[^1].Length >= 4 && Words.Similar(Token(line[first].Text), tokens[^1]))
            {
                found = true;
                yield return (i, first);
            }

            // Or only its first, the words after it lost at the end of the line or garbled ("7 Distribution" for "7 Distribution
            // code(s)", "2 Outstanding Moarigage" for "2 Outstanding mortgage principal"): as long a word, for the same reason.
            if (!found && tokens[0].Length >= 4 && Words.Similar(Token(line[first].Text), tokens[0]))
            {
                yield return (i, first);
            }
        }
    }

    /// <summary>
    /// Whether OCR's <paramref name="word"/> is box <paramref name="number"/>: "l", "I", "|" or "]" for a 1, "Z" for a 2 ("la" is 1a), and
    /// a speck after it read as punctuation ("2?").
    /// </summary>
    private static bool ReadsAsBoxNumber(string word, string number)
    {
        var read = FormClassifier.Normalize(word).Trim().Trim(':', '.', ',', '?');
        return read.Length == number.Length && read.Zip(number).All(p => p.First == p.Second
            || (p.Second == '1' && p.First is 'l' or 'i' or '|' or '!' or ']') || (p.Second == '2' && p.First == 'z'));
    }

    /// <summary>
    /// Where the label's words stand in the line, as runs of word indexes (the label must be whole words in a row). A label of four
    /// words or more may have one word after its first that OCR garbled beyond one letter ("Wages, tips, ccher compensation").
    /// </summary>
    private static IEnumerable<(int Start, int End)> Matches(IReadOnlyList<TextWord> line, string[] tokens)
    {
        var forgiven = tokens.Length >= 4 ? 1 : 0;
        for (var i = 0; i + tokens.Length <= line.Count; i++)
        {
            var misses = 0;
            for (var t = 0; t < tokens.Length && misses <= forgiven; t++)
            {
                if (!Words.Similar(Token(line[i + t].Text), tokens[t]))
                {
                    misses += t == 0 ? forgiven + 1 : 1;
                }
            }

            if (misses <= forgiven)
            {
                yield return (i, i + tokens.Length - 1);
            }
        }
    }

    /// <summary>
    /// The value of the label at words <paramref name="start"/>…<paramref name="end"/> of line <paramref name="l"/>: to its right on the
    /// same line, up to the next label-like word, or in one of the next lines below it, starting within the label's column.
    /// The column starts at <paramref name="columnLeft"/> when given, rather than at the label's first word.
    /// </summary>
    private static string? ValueNear(IReadOnlyList<IReadOnlyList<TextWord>> lines, int l, int start, int end, FieldValueKind kind, double? columnLeft = null)
    {
        var line = lines[l];

        // The box's number or letter before the label ("12a See instructions…", "c Employer's name…") is where its column starts.
        if (start > 0 && line[start - 1] is { Text.Length: <= 3 } number && number.Text.All(char.IsAsciiLetterOrDigit)
            && line[start].Left - number.Right < line[start].Height * 2)
        {
            start--;
        }

        var label = (Left: line[start].Left, Right: line[end].Right, line[end].Bottom, Height: line.Skip(start).Take(end - start + 1).Max(w => w.Height));

        // Right of the label on its own line: "Box 1 Wages, tips, other compensation   $85,000.00", "Employer's name:  Acme Corp" (OCR may
        // read the colon as ";" or "-").
        var right = new List<TextWord>();
        for (var i = end + 1; i < line.Count && !StartsLabel(line, i); i++)
        {
            right.Add(line[i]);
        }

        if (Parse(right, kind, labelled: line[end].Text.Length > 1 && line[end].Text[^1] is ':' or ';' or '-') is { } inline)
        {
            return inline;
        }

        // Below: the next lines within a few label heights, the words that start in the label's column. Only under small print: a
        // form's big title ("1099-INT Interest Income") names a box's label too, but no value stands under it.
        if (label.Height > MaxLabelHeight)
        {
            return null;
        }

        for (var next = l + 1; next < lines.Count && lines[next][0].Top - label.Bottom < Math.Max(label.Height, 6) * 8; next++)
        {
            // An EIN's shape is the W-2's only one: the one nearest the label's start, also left of it, since OCR of a photo may keep
            // only the end of "b Employer identification number (EIN)", far right of the box's start.
            if (kind == FieldValueKind.Ein && lines[next].Where(w => w.Left < label.Right).OrderBy(w => Math.Abs(w.Left - label.Left))
                    .Select(w => Ein().Match(w.Text)).FirstOrDefault(m => m.Success) is { } ein)
            {
                return ein.Value;
            }

            var column = lines[next].Where(w => w.Left >= (columnLeft ?? label.Left - (label.Height * 2)) && w.Left < label.Right).ToList();
            if (column.Count == 0)
            {
                continue;
            }

            // Only the words that follow each other closely from the first one (a neighbouring box's value is further away).
            var run = new List<TextWord> { column[0] };
            foreach (var word in lines[next].SkipWhile(w => w != column[0]).Skip(1))
            {
                if (word.Left - run[^1].Right > Math.Max(word.Height, 4) * 1.5)
                {
                    break;
                }

                run.Add(word);
            }

            if (Parse(run, kind, labelled: true) is { } below)
            {
                return below;
            }
        }

        return null;
    }

    /// <param name="words">The candidate words, in reading order.</param>
    /// <param name="kind">The value's shape.</param>
    /// <param name="labelled">
    /// Whether the words surely are this label's value (under it, or after a "Label:"): only then is free text (a name) taken; beside a
    /// label without a colon stands the next box's label.
    /// </param>
    private static string? Parse(IReadOnlyList<TextWord> words, FieldValueKind kind, bool labelled)
    {
        if (words.Count == 0)
        {
            return null;
        }

        var text = Value(string.Join(' ', words.Select(w => w.Text)));
        switch (kind)
        {
            case FieldValueKind.Money:
                foreach (var word in words)
                {
                    if (MoneyValue(word.Text) is { } amount)
                    {
                        return amount;
                    }
                }

                return null;
            case FieldValueKind.Ein:
                return Ein().Match(text) is { Success: true } ein ? ein.Value : null;
            case FieldValueKind.State:
                // Beside "State" without a colon, a code only when it stands alone: "15 State  Employer's state ID number" is a label.
                return labelled || words.Count == 1 ? StateCode(words[0].Text.Trim(':')) : null;
            case FieldValueKind.Code:
                return words[0].Text.Trim(':') is { Length: >= 1 and <= 2 } code && code.All(char.IsAsciiLetterOrDigit)
                    ? string.Concat(code.ToUpperInvariant().Select(DistributionCodeCharacter))
                    : null;
            case FieldValueKind.Box12:
                var codes = Box12().Matches(text).Select(m => $"{m.Groups["code"].Value.ToUpperInvariant()} {MoneyValue(m.Groups["amount"].Value)}").ToList();
                return codes.Count == 0 ? null : string.Join("; ", codes);
            default:
                // A name: letters, and not a run of dots, a label's own words on the same line, or the next label ("Payer's TIN:").
                return labelled && text.Any(char.IsLetter) && MoneyValue(words[0].Text) is null && !text.EndsWith(':') ? Name(words) : null;
        }
    }

    /// <summary>
    /// A name's words as printed: OCR of a photo sometimes splits a word in two ("Brokerage Service s", "Mut ual") with almost no gap,
    /// where the space between words is about half a letter's height; such pieces are one word again. Then each word's capital as OCR
    /// misses it (<see cref="Capitalized"/>).
    /// </summary>
    private static string Name(IReadOnlyList<TextWord> words)
    {
        var name = new System.Text.StringBuilder(words[0].Text);
        for (var i = 1; i < words.Count; i++)
        {
            if (words[i].Left - words[i - 1].Right >= Math.Min(words[i].Height, words[i - 1].Height) * 0.2)
            {
                name.Append(' ');
            }

            name.Append(words[i].Text);
        }

        // An l read as a bar in a word ("Federa|"): no name has a bar.
        var parts = Value(name.ToString()).Split(' ').Select(part => part.Any(char.IsLetter) ? part.Replace('|', 'l') : part).ToArray();
        return string.Join(' ', parts.Select((part, i) => i > 0 && i == parts.Length - 1 && MisreadSuffixes.TryGetValue(part, out var suffix)
            ? suffix
            : Capitalized(part, parts.Where((_, j) => j != i).ToList())));
    }

    /// <summary>
    /// A company name's last word as OCR of a photo misreads it: "Inc" with its c read as an e or its I as an l, "LLC" with its C lost.
    /// No name ends in these.
    /// </summary>
    private static readonly Dictionary<string, string> MisreadSuffixes = new(StringComparer.Ordinal)
    {
        ["Ine"] = "Inc", ["lnc"] = "Inc", ["lne"] = "Inc", ["LL"] = "LLC",
    };

    /// <summary>
    /// A word of a name whose capital OCR of a photo misread: read in lower case when its capital looks the same ("Union Square
    /// investments", "Maple Leaf Bakery co"; only when every other word of the name is capitalized, and not a word names leave in
    /// lower case: "of", "with", "van"), or doubled ("Prairie Mutual Ssavings"; no English word starts with a doubled letter but with
    /// Aa, Ee, Ll or Oo).
    /// </summary>
    private static string Capitalized(string word, IReadOnlyList<string> others)
    {
        if (word.Length >= 2 && SameInBothCases.Contains(word[0]) && word.All(char.IsAsciiLetterLower) && !LowerCaseInNames.Contains(word)
            && others.Count > 0 && others.All(o => o.Length > 0 && char.IsUpper(o[0])))
        {
            return char.ToUpperInvariant(word[0]) + word[1..];
        }

        return word.Length >= 4 && char.IsAsciiLetterUpper(word[0]) && word[1] == char.ToLowerInvariant(word[0]) && !"AELO".Contains(word[0])
            && word[1..].All(char.IsAsciiLetterLower)
            ? char.ToUpperInvariant(word[1]) + word[2..]
            : word;
    }

    /// <summary>
    /// A US state's or territory's two-letter postal code. OCR of a photo reads in lower case a capital that looks the same in both
    /// ("Tx", "wi" for WI; "i" for I), never one that does not ("id", "in", "or" are words, not codes).
    /// </summary>
    private static string? StateCode(string read) =>
        read.Length == 2 && read.All(c => char.IsAsciiLetterUpper(c) || SameInBothCases.Contains(c)) && StateCodes.Contains(read.ToUpperInvariant())
            ? read.ToUpperInvariant()
            : null;

    /// <summary>Words a name may print in lower case that start with one of <see cref="SameInBothCases"/>.</summary>
    private static readonly HashSet<string> LowerCaseInNames =
        ["of", "on", "or", "onto", "over", "out", "so", "such", "up", "upon", "us", "via", "vs", "von", "van", "with", "within", "without", "in", "into",
         "is", "it", "its", "c/o", "zu"];

    /// <summary>Lower-case letters shaped like their capitals, which OCR confuses.</summary>
    private const string SameInBothCases = "cosuvwxzi";

    private static readonly HashSet<string> StateCodes =
    [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI",
        "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
        "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
    ];

    /// <summary>Words as a value: without the colon or dots a label left in front ("Payer's name: …", "Wages ....... 85,000.00").</summary>
    private static string Value(string words) => words.Trim().TrimStart(':', '.', ' ').Trim();

    /// <summary>
    /// A 1099-R distribution code's character as OCR may misread it: no code uses I or Z, which on a photo are a 1 and a 2 (the codes are
    /// 1–9, A–H, J–N, P–U, W and Y).
    /// </summary>
    private static char DistributionCodeCharacter(char read) => read switch
    {
        'I' => '1',
        'Z' => '2',
        _ => read,
    };

    /// <summary>
    /// Whether the word at <paramref name="i"/> begins the next box's label: a box number ("2", "12a", "1b") followed by a word
    /// ("2 Early withdrawal penalty"), or "Box". What stands beyond it is that box's, not the current one's.
    /// </summary>
    private static bool StartsLabel(IReadOnlyList<TextWord> line, int i)
    {
        var word = line[i].Text;
        var next = i + 1 < line.Count ? line[i + 1].Text : "";
        return (BoxNumber().IsMatch(word) && next.Length > 1 && char.IsLetter(next[0])) || word.Equals("Box", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>"$85,000.00", "85000.00", "1,234" → invariant "85000.00"; anything else null. Box numbers ("1", "12a") are not amounts.</summary>
    public static string? MoneyValue(string word)
    {
        var match = Money().Match(word.Trim());
        if (!match.Success)
        {
            return null;
        }

        var digits = match.Groups["n"].Value.Replace(",", "", StringComparison.Ordinal);
        return decimal.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
            ? amount.ToString("0.00", CultureInfo.InvariantCulture)
            : null;
    }

    private static string[] Tokens(string label) => [.. label.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Token)];

    /// <summary>
    /// A word as labels are compared: lower case, without the punctuation around it ("Name:" is "name", "(EIN)" and OCR's "{EIN)" are
    /// "ein", "wages," is "wages").
    /// </summary>
    private static string Token(string word) => FormClassifier.Normalize(word).Trim().Trim(LabelPunctuation);

    private static readonly char[] LabelPunctuation = [':', ',', '.', ';', '(', ')', '{', '}', '[', ']', '|', '"', '\u2018', '\u2019'];

    [GeneratedRegex(@"^\$?(?<n>\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Money();

    [GeneratedRegex(@"^\d{1,2}[a-h]?$", RegexOptions.CultureInvariant)]
    private static partial Regex BoxNumber();

    /// <summary>A field key naming its box ("box1", "box2a"): the number printed before the box's label.</summary>
    [GeneratedRegex(@"^box(?<n>\d{1,2}[a-h]?)$", RegexOptions.CultureInvariant)]
    private static partial Regex BoxKey();

    [GeneratedRegex(@"\b\d{2}-\d{7}\b", RegexOptions.CultureInvariant)]
    private static partial Regex Ein();

    [GeneratedRegex(@"\b(?<code>[A-HJ-NP-Za-hj-np-z]{1,2})\s*-?\s*(?<amount>\$?\d{1,3}(?:,\d{3})*\.\d{2})", RegexOptions.CultureInvariant)]
    private static partial Regex Box12();
}
