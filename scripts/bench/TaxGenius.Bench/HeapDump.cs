using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TaxGenius.Bench;

/// <summary>
/// What the managed heap is made of: <c>dotnet-gcdump collect</c> on the server (a full GC and a walk of the live object graph), read
/// back with <c>dotnet-gcdump report</c> (bytes and count per type). Two dumps, at 1 and at N circuits, give the bytes each circuit
/// adds, by type. Runs only when TG_BENCH_GCDUMP names the dotnet-gcdump executable (scripts/bench/circuit-memory.sh installs it).
/// </summary>
internal static partial class HeapDump
{
    public sealed record Dump(string Name, long TotalBytes, Dictionary<string, (long Bytes, long Count)> Types);

    public static async Task<Dump?> TakeAsync(int processId, string name)
    {
        if (Environment.GetEnvironmentVariable("TG_BENCH_GCDUMP") is not { Length: > 0 } tool)
        {
            return null;
        }

        var file = Path.Combine(BenchServer.WorkDir, $"{name}.gcdump");
        await RunAsync(tool, $"collect -p {processId} -o {file}");
        var report = await RunAsync(tool, $"report {file}");
        var types = new Dictionary<string, (long Bytes, long Count)>(StringComparer.Ordinal);
        long total = 0;
        foreach (var line in report.Split('\n'))
        {
            if (TotalLine().Match(line) is { Success: true } totalMatch)
            {
                total = long.Parse(totalMatch.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                continue;
            }

            if (TypeLine().Match(line) is not { Success: true } match)
            {
                continue;
            }

            // "System.Byte[] (Bytes > 10K)  [System.Private.CoreLib.dll]": one type, whatever the size bucket.
            var type = SizeBucket().Replace(match.Groups[3].Value, "").Trim();
            // The first column is the size of one object of the row (its average), the second how many there are.
            var count = long.Parse(match.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            var bytes = long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) * count;
            types[type] = types.TryGetValue(type, out var seen) ? (seen.Bytes + bytes, seen.Count + count) : (bytes, count);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  gcdump {name}: {BenchServer.Mb(total)} of live objects, {types.Count} types ({file})"));
        return new Dump(name, total, types);
    }

    /// <summary>Prints the types whose bytes grew most from <paramref name="one"/> to <paramref name="many"/>, per circuit, and by assembly.</summary>
    public static void Compare(Dump? one, Dump? many, int circuits)
    {
        if (one is null || many is null || circuits < 1)
        {
            return;
        }

        var growth = many.Types.Select(t =>
        {
            var before = one.Types.TryGetValue(t.Key, out var b) ? b : (0, 0);
            return (Type: t.Key, Bytes: (t.Value.Bytes - before.Bytes) / (double)circuits, Count: (t.Value.Count - before.Count) / (double)circuits);
        }).Where(g => g.Bytes > 0).OrderByDescending(g => g.Bytes).ToList();
        var perCircuit = (many.TotalBytes - one.TotalBytes) / (double)circuits;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  live objects per circuit (gcdump, {many.Name} minus {one.Name}): {perCircuit / 1024:F0} KB; the 30 types that grew most:"));
        Console.WriteLine("       bytes/circuit  objects/circuit  type");
        foreach (var (type, bytes, count) in growth.Take(30))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {bytes,14:N0}  {count,15:N1}  {Shorten(type)}"));
        }

        Console.WriteLine("  by assembly (bytes per circuit):");
        foreach (var group in growth.GroupBy(g => AssemblyOf(g.Type)).Select(g => (Assembly: g.Key, Bytes: g.Sum(x => x.Bytes)))
            .OrderByDescending(g => g.Bytes).Take(12))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {group.Bytes,14:N0}  {group.Assembly}"));
        }
    }

    private static string AssemblyOf(string type) => AssemblyName().Match(type) is { Success: true } m ? m.Groups[1].Value : "?";

    private static string Shorten(string type) => type.Length > 150 ? type[..147] + "..." : type;

    private static async Task<string> RunAsync(string tool, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"Could not start {tool}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {arguments} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }

    [GeneratedRegex(@"^\s*([\d,]+)\s+GC Heap bytes")]
    private static partial Regex TotalLine();

    [GeneratedRegex(@"^\s*([\d,]+)\s+([\d,]+)\s+(.+?)\s*$")]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"\(Bytes > \d+K\)")]
    private static partial Regex SizeBucket();

    [GeneratedRegex(@"\[([^\]]+)\]\s*$")]
    private static partial Regex AssemblyName();
}
