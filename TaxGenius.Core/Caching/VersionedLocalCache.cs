using System.Collections.Concurrent;

namespace TaxGenius.Core.Caching;

/// <summary>
/// An instance-local cache whose entries are valid only under the <see cref="SecurityVersions"/> version they were stored with, and
/// for at most <paramref name="lifetime"/>: the hot path's memory (no serialization, no round trip) with the shared version deciding
/// whether it may be used. At most <paramref name="capacity"/> entries: when full it is emptied (entries are cheap to rebuild).
/// </summary>
public sealed class VersionedLocalCache<TKey, TValue>(TimeProvider timeProvider, int capacity, TimeSpan lifetime)
    where TKey : notnull
{
    private sealed record Entry(string Version, TValue Value, DateTimeOffset StoredAt);

    private readonly ConcurrentDictionary<TKey, Entry> entries = new();

    /// <summary>The value stored under <paramref name="version"/>, when that is still the current one and the entry is young enough.</summary>
    public bool TryGet(TKey key, string? version, out TValue value)
    {
        if (version is not null && entries.TryGetValue(key, out var entry) && entry.Version == version
            && timeProvider.GetUtcNow() - entry.StoredAt < lifetime)
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>The entry whatever its version (the caller checks the version it names), or false.</summary>
    public bool TryPeek(TKey key, out TValue value, out string version)
    {
        if (entries.TryGetValue(key, out var entry) && timeProvider.GetUtcNow() - entry.StoredAt < lifetime)
        {
            (value, version) = (entry.Value, entry.Version);
            return true;
        }

        (value, version) = (default!, "");
        return false;
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="version"/> (nothing without a version: the cache is unreachable).</summary>
    public void Set(TKey key, string? version, TValue value)
    {
        if (version is null)
        {
            entries.TryRemove(key, out _);
            return;
        }

        if (entries.Count >= capacity)
        {
            entries.Clear();
        }

        entries[key] = new Entry(version, value, timeProvider.GetUtcNow());
    }

    public void Remove(TKey key) => entries.TryRemove(key, out _);

    public int Count => entries.Count;
}
