namespace TaxGenius.Core.Common;

/// <summary>
/// An id shortened for a table cell: its last 8 hex digits, "…5c45b543". Not the first 8: most ids here are UUID version 7 (Npgsql
/// and <see cref="Guid.CreateVersion7()"/>), which begin with their creation time, so rows written within a minute of each other
/// (a batch of signature requests, one day's consents) all began "01a24912…". The end is random in version 7 and version 4 alike.
/// The full id stays in the cell's title and in every filter and export.
/// </summary>
public static class ShortId
{
    public static string Of(Guid id) => "…" + id.ToString("N")[^8..];
}
