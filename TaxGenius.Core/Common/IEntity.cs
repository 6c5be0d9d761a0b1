namespace TaxGenius.Core.Common;

/// <summary>An entity whose creation and last change are stamped (UTC) by the DbContext through <see cref="TimeProvider"/>.</summary>
public interface IHasTimestamps
{
    DateTime CreatedAt { get; set; }
    DateTime UpdatedAt { get; set; }
}
