using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime;
using System.Text;

/// <summary>
/// A .NET startup hook (<c>DOTNET_STARTUP_HOOKS=…/TaxGenius.Bench.dll</c>) that the benchmarks load into the published,
/// unmodified TaxGenius.Web process, so they can read that process's managed heap and count its live circuits from outside.
/// It does nothing unless <c>TG_BENCH_DIAG_PORT</c> is set. It uses only the base class library.
/// </summary>
public static class StartupHook
{
    public static void Initialize()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("TG_BENCH_DIAG_PORT"), CultureInfo.InvariantCulture, out var port))
        {
            TaxGenius.Bench.BenchDiagnostics.Start(port);
        }
    }
}

namespace TaxGenius.Bench
{
    /// <summary>
    /// The in-process side of the benchmarks' probe: a loopback TCP listener with a line protocol. Commands:
    /// <c>gc</c> (full blocking compacting GC, finalizers, GC again, then a snapshot), <c>stats</c> (a snapshot without GC),
    /// <c>sample-start</c> / <c>sample-stop</c> (a thread samples heap and VmRSS every 20 ms; stop answers the peaks).
    /// Every answer is one line of JSON. The live-connection gauges come from ASP.NET Core's own meters (UpDownCounters of
    /// the Microsoft.AspNetCore.* meters: circuits, SignalR connections, Kestrel connections), summed by a MeterListener.
    /// </summary>
    internal static class BenchDiagnostics
    {
        private static readonly ConcurrentDictionary<string, long> Gauges = new(StringComparer.Ordinal);
        private static readonly Lock SampleLock = new();
        private static MeterListener? listener;
        private static Thread? sampler;
        private static volatile bool sampling;
        private static long peakHeap;
        private static long peakRss;
        private static int samples;

        public static void Start(int port)
        {
            listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal)
                        && instrument.GetType().Name.StartsWith("UpDownCounter", StringComparison.Ordinal))
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Add(instrument, value));
            listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Add(instrument, value));
            listener.Start();

            var tcp = new TcpListener(IPAddress.Loopback, port);
            tcp.Start();
            new Thread(() =>
            {
                while (true)
                {
                    var client = tcp.AcceptTcpClient();
                    new Thread(() => Serve(client)) { IsBackground = true, Name = "bench-diagnostics" }.Start();
                }
            }) { IsBackground = true, Name = "bench-diagnostics-accept" }.Start();
        }

        private static void Add(Instrument instrument, long value) => Gauges.AddOrUpdate(instrument.Name, value, (_, v) => v + value);

        private static void Serve(TcpClient client)
        {
            using (client)
            {
                using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
                while (reader.ReadLine() is { } command)
                {
                    writer.WriteLine(command.Trim() switch
                    {
                        "gc" => FullGcSnapshot(),
                        "stats" => Snapshot(),
                        "sample-start" => StartSampling(),
                        "sample-stop" => StopSampling(),
                        _ => "{\"error\":\"unknown command\"}",
                    });
                }
            }
        }

        private static string FullGcSnapshot()
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            return Snapshot();
        }

        private static string Snapshot()
        {
            var info = GC.GetGCMemoryInfo(GCKind.Any);
            var json = new StringBuilder("{");
            Append(json, "heap", GC.GetTotalMemory(false));
            Append(json, "heapSize", info.HeapSizeBytes);
            Append(json, "committed", info.TotalCommittedBytes);
            Append(json, "allocated", GC.GetTotalAllocatedBytes(false));
            Append(json, "rss", ReadStatusKb("VmRSS:") * 1024);
            Append(json, "hwm", ReadStatusKb("VmHWM:") * 1024);
            Append(json, "gen2", GC.CollectionCount(2));
            json.Append(CultureInfo.InvariantCulture, $"\"serverGc\":{(GCSettings.IsServerGC ? "true" : "false")},");
            json.Append(CultureInfo.InvariantCulture, $"\"heapCount\":{(GC.GetConfigurationVariables().TryGetValue("HeapCount", out var count) ? count : 0)},");
            json.Append("\"gauges\":{");
            json.Append(string.Join(",", Gauges.OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"\"{g.Key}\":{g.Value}"))));
            json.Append("}}");
            return json.ToString();
        }

        private static string StartSampling()
        {
            lock (SampleLock)
            {
                sampling = false;
                sampler?.Join();
                peakHeap = GC.GetTotalMemory(false);
                peakRss = ReadStatusKb("VmRSS:") * 1024;
                samples = 1;
                sampling = true;
                sampler = new Thread(() =>
                {
                    while (sampling)
                    {
                        Thread.Sleep(20);
                        var heap = GC.GetTotalMemory(false);
                        var rss = ReadStatusKb("VmRSS:") * 1024;
                        peakHeap = Math.Max(peakHeap, heap);
                        peakRss = Math.Max(peakRss, rss);
                        samples++;
                    }
                }) { IsBackground = true, Name = "bench-diagnostics-sampler" };
                sampler.Start();
            }

            return Snapshot();
        }

        private static string StopSampling()
        {
            lock (SampleLock)
            {
                sampling = false;
                sampler?.Join();
                sampler = null;
                var json = new StringBuilder("{");
                Append(json, "peakHeap", peakHeap);
                Append(json, "peakRss", peakRss);
                Append(json, "samples", samples);
                Append(json, "allocated", GC.GetTotalAllocatedBytes(false));
                json.Length--;
                return json.Append('}').ToString();
            }
        }

        private static void Append(StringBuilder json, string name, long value) =>
            json.Append(CultureInfo.InvariantCulture, $"\"{name}\":{value},");

        /// <summary>A field of /proc/self/status in kB (VmRSS: resident set; VmHWM: its high-water mark).</summary>
        private static long ReadStatusKb(string field)
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(field.Length).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                }
            }

            return -1;
        }
    }
}
