namespace TaxGenius.Bench;

/// <summary>Benchmarks run by scripts/bench/*.sh against throwaway servers. Usage: email &lt;count&gt; &lt;workers&gt; &lt;smtp-folder&gt;.</summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args) => args switch
    {
        ["email", var count, var workers, var folder] => await EmailThroughput.RunAsync(int.Parse(count, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(workers, System.Globalization.CultureInfo.InvariantCulture), folder),
        ["queue", var connectionString, var documents, var clients, var runs] => await QueueKeyset.RunAsync(connectionString,
            int.Parse(documents, System.Globalization.CultureInfo.InvariantCulture), int.Parse(clients, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(runs, System.Globalization.CultureInfo.InvariantCulture)),
        _ => Usage(),
    };

    private static int Usage()
    {
        Console.Error.WriteLine("usage: TaxGenius.Bench email <count> <workers> <smtp-folder>");
        return 2;
    }
}
