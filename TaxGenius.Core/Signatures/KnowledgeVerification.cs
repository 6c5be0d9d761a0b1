using System.Security.Cryptography;
using System.Text;

namespace TaxGenius.Core.Signatures;

/// <summary>What a knowledge check answered.</summary>
public enum KnowledgeOutcome
{
    Passed,
    Failed,
}

/// <summary>
/// The knowledge-based step of identity verification. The default (<see cref="FirmKnowledgeVerifier"/>) compares the answer with the
/// one the preparer took from the firm's records; a firm that buys third-party KBA registers its own implementation in its place
/// (ADR-013). Attempts are counted by the caller: three wrong answers end electronic signing for the request.
/// </summary>
public interface IKnowledgeVerifier
{
    /// <summary>How the certificate names this method, e.g. "Knowledge check from firm records".</summary>
    string Method { get; }

    Task<KnowledgeOutcome> CheckAsync(SignatureRequest request, SignatureSigner signer, string answer, CancellationToken cancellationToken);
}

/// <summary>The preparer's question and the hash of its answer (normalized: amounts compare by value, text by letters and digits).</summary>
public sealed class FirmKnowledgeVerifier : IKnowledgeVerifier
{
    public string Method => "Knowledge check from firm records";

    public Task<KnowledgeOutcome> CheckAsync(SignatureRequest request, SignatureSigner signer, string answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var expected = request.KnowledgeAnswerHash;
        var passed = expected is not null && Normalize(answer) is { Length: > 0 } normalized
            && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(request.Id, normalized)), Encoding.ASCII.GetBytes(expected));
        return Task.FromResult(passed ? KnowledgeOutcome.Passed : KnowledgeOutcome.Failed);
    }

    /// <summary>The stored form of an answer: SHA-256 of the request id and the normalized answer (the answer itself is never stored).</summary>
    public static string Hash(Guid requestId, string normalizedAnswer) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{requestId:N}:{normalizedAnswer}")));

    /// <summary>
    /// "$52,340.00", "52340" and " 52,340 " are one answer; "-1,200" stays negative; text compares by its letters and digits, any case.
    /// </summary>
    public static string Normalize(string? answer)
    {
        var trimmed = (answer ?? "").Trim();
        var amount = trimmed.Replace("$", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal);
        if (decimal.TryParse(amount, System.Globalization.NumberStyles.AllowLeadingSign | System.Globalization.NumberStyles.AllowDecimalPoint,
                System.Globalization.CultureInfo.InvariantCulture, out var value))
        {
            return value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
        }

        var text = new StringBuilder();
        foreach (var c in trimmed.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c))
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
