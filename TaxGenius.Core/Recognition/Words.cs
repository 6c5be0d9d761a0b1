namespace TaxGenius.Core.Recognition;

/// <summary>
/// Word comparison that forgives what OCR gets wrong in a photo: one wrong, missing or extra letter in a word of 4 or more letters,
/// two in a word of 9 or more ("PAVER'S" is "payer's", "Unemplovment" is "unemployment"). Short words and numbers must match exactly.
/// </summary>
public static class Words
{
    /// <summary>The words of normalized text (<see cref="FormClassifier.Normalize"/>), split on white space.</summary>
    public static string[] Of(string normalized) => normalized.Split([' ', '\n', '\f', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);

    public static bool Similar(string read, string expected)
    {
        if (read == expected)
        {
            return true;
        }

        if (expected.Length < 4 || expected.Any(char.IsDigit) || Math.Abs(read.Length - expected.Length) > 2)
        {
            return false;
        }

        return Distance(read, expected, expected.Length >= 9 ? 2 : 1) <= (expected.Length >= 9 ? 2 : 1);
    }

    /// <summary>Whether <paramref name="phrase"/>'s words appear in a row in <paramref name="words"/>, each <see cref="Similar"/>.</summary>
    public static bool ContainsPhrase(IReadOnlyList<string> words, string phrase)
    {
        var wanted = Of(phrase);
        for (var i = 0; i + wanted.Length <= words.Count; i++)
        {
            var all = true;
            for (var j = 0; j < wanted.Length && all; j++)
            {
                all = Similar(words[i + j], wanted[j]);
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Levenshtein distance, giving up (returning more than <paramref name="limit"/>) as soon as it must exceed it.</summary>
    private static int Distance(string a, string b, int limit)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var best = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                best = Math.Min(best, current[j]);
            }

            if (best > limit)
            {
                return best;
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
