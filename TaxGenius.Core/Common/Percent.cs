using System.Globalization;

namespace TaxGenius.Core.Common;

/// <summary>A share as a person in the US writes it: "45%", with no space before the sign (the invariant culture writes "45 %").</summary>
public static class Percent
{
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    /// <summary><paramref name="fraction"/> (0.45) as a whole percentage ("45%").</summary>
    public static string Of(double fraction) => fraction.ToString("P0", Us);

    /// <summary><paramref name="part"/> of <paramref name="whole"/> as a whole percentage, or "—" when there is nothing to divide by.</summary>
    public static string Of(int part, int whole) => whole == 0 ? "—" : Of(part / (double)whole);
}
