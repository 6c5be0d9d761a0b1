using System.Globalization;

namespace TaxGenius.Bench;

/// <summary>
/// Benchmarks run by scripts/bench/*.sh against throwaway servers. Usage:
/// email &lt;count&gt; &lt;workers&gt; &lt;smtp-folder&gt; | circuits &lt;n&gt; [idle-seconds] | upload &lt;mb&gt; | api-hotpath &lt;seconds&gt; &lt;rounds&gt; | recognition &lt;per-layout&gt; &lt;folder&gt;.
/// circuits and upload run the published TaxGenius.Web named by TG_BENCH_APP_DIR in a process of its own.
/// </summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args) => args switch
    {
        ["email", var count, var workers, var folder] => await EmailThroughput.RunAsync(Int(count), Int(workers), folder),
        ["circuits", var count] => await CircuitMemory.CompareHubAsync(Int(count), 0),
        ["circuits", var count, var idle] => await CircuitMemory.CompareHubAsync(Int(count), Int(idle)),
        ["circuit-pages", var count] => await CircuitMemory.PagesAsync(Int(count)),
        ["circuit-pages", var count, var path] => await CircuitMemory.PagesAsync(Int(count), path),
        ["upload", var mb] => await UploadThroughput.RunAsync(Int(mb)),
        ["queue", var connectionString, var documents, var clients, var runs] => await QueueKeyset.RunAsync(connectionString, Int(documents), Int(clients), Int(runs)),
        ["board", var connectionString, var engagements, var items, var runs] => await BoardLoad.RunAsync(connectionString, Int(engagements), Int(items), Int(runs)),
        ["api-hotpath", var seconds, var rounds] => await ApiHotPath.RunAsync(Int(seconds), Int(rounds)),
        ["recognition", var perLayout, var folder] => await RecognitionAccuracy.RunAsync(Int(perLayout), folder),
        ["recognition", var perLayout, var folder, "text"] => await RecognitionAccuracy.RunAsync(Int(perLayout), folder, textOnly: true),
        _ => Usage(),
    };

    private static int Int(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static int Usage()
    {
        Console.Error.WriteLine("usage: TaxGenius.Bench email <count> <workers> <smtp-folder> | circuits <n> [idle-seconds] | circuit-pages <n> | upload <mb> | api-hotpath <seconds> <rounds> | recognition <per-layout> <folder>");
        return 2;
    }
}
