using TaxGenius.Core.Common;

namespace TaxGenius.Web.Components.Shared;

/// <summary>
/// Where a keyset-paged list is: the cursor the next load starts after (or ends before) and the page number to show. A page keeps
/// one of these, passes <see cref="After"/>/<see cref="Before"/> to its service and tells it what was loaded.
/// </summary>
public sealed class PageNavigation
{
    public PageCursor? After { get; private set; }

    public PageCursor? Before { get; private set; }

    public int PageNumber { get; private set; } = 1;

    /// <summary>Back to the first page (new filters, a new search).</summary>
    public void Reset() => (After, Before, PageNumber) = (null, null, 1);

    public void Next<T>(Page<T>? current)
    {
        (After, Before) = (current?.Last, null);
        PageNumber++;
    }

    public void Previous<T>(Page<T>? current)
    {
        (After, Before) = (null, current?.First);
        PageNumber = Math.Max(1, PageNumber - 1);
    }

    /// <summary>After a load: a page with nothing before it is page 1 (going back from page 2 can land on the first page).</summary>
    public void Loaded<T>(Page<T> page)
    {
        if (!page.HasPrevious)
        {
            PageNumber = 1;
        }
    }
}
