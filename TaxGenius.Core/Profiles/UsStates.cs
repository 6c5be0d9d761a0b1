namespace TaxGenius.Core.Profiles;

public sealed record UsState(string Code, string Name);

/// <summary>USPS codes a mailing address can carry: the 50 states, DC, the inhabited territories and the military "states".</summary>
public static class UsStates
{
    public static IReadOnlyList<UsState> All { get; } =
    [
        new("AL", "Alabama"), new("AK", "Alaska"), new("AZ", "Arizona"), new("AR", "Arkansas"), new("CA", "California"),
        new("CO", "Colorado"), new("CT", "Connecticut"), new("DE", "Delaware"), new("FL", "Florida"), new("GA", "Georgia"),
        new("HI", "Hawaii"), new("ID", "Idaho"), new("IL", "Illinois"), new("IN", "Indiana"), new("IA", "Iowa"),
        new("KS", "Kansas"), new("KY", "Kentucky"), new("LA", "Louisiana"), new("ME", "Maine"), new("MD", "Maryland"),
        new("MA", "Massachusetts"), new("MI", "Michigan"), new("MN", "Minnesota"), new("MS", "Mississippi"), new("MO", "Missouri"),
        new("MT", "Montana"), new("NE", "Nebraska"), new("NV", "Nevada"), new("NH", "New Hampshire"), new("NJ", "New Jersey"),
        new("NM", "New Mexico"), new("NY", "New York"), new("NC", "North Carolina"), new("ND", "North Dakota"), new("OH", "Ohio"),
        new("OK", "Oklahoma"), new("OR", "Oregon"), new("PA", "Pennsylvania"), new("RI", "Rhode Island"), new("SC", "South Carolina"),
        new("SD", "South Dakota"), new("TN", "Tennessee"), new("TX", "Texas"), new("UT", "Utah"), new("VT", "Vermont"),
        new("VA", "Virginia"), new("WA", "Washington"), new("WV", "West Virginia"), new("WI", "Wisconsin"), new("WY", "Wyoming"),
        new("DC", "District of Columbia"),
        new("AS", "American Samoa"), new("GU", "Guam"), new("MP", "Northern Mariana Islands"), new("PR", "Puerto Rico"),
        new("VI", "U.S. Virgin Islands"),
        new("AA", "Armed Forces Americas"), new("AE", "Armed Forces Europe"), new("AP", "Armed Forces Pacific"),
    ];

    private static readonly Dictionary<string, UsState> ByCode = All.ToDictionary(s => s.Code, StringComparer.OrdinalIgnoreCase);

    public static UsState? Find(string? code) => code is null ? null : ByCode.GetValueOrDefault(code.Trim());

    /// <summary>"Texas" for "TX"; the code itself when unknown.</summary>
    public static string NameOf(string? code) => Find(code)?.Name ?? code ?? "";
}
