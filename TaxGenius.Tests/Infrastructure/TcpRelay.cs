using System.Net;
using System.Net.Sockets;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay in front of a real server, to take the server away from the app under test without stopping it for
/// everyone else: <see cref="Cut"/> drops every open connection and refuses new ones (as a network partition or a crashed
/// server does), <see cref="Restore"/> lets connections through again.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint target;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<TcpClient> open = [];
    private readonly Task accepting;
    private volatile bool cut;

    public TcpRelay(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        target = new IPEndPoint(IPAddress.Parse(server.Host), server.Port);
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public Uri Address(Uri server) => new UriBuilder(server) { Port = Port }.Uri;

    /// <summary>Bytes relayed towards the server so far.</summary>
    public long BytesToServer => Interlocked.Read(ref bytesToServer);

    private long bytesToServer;

    public void Cut()
    {
        cut = true;
        lock (open)
        {
            foreach (var client in open)
            {
                Reset(client);
            }

            open.Clear();
        }
    }

    public void Restore() => cut = false;

    /// <summary>Closes with a reset (RST), as a crashed peer does, rather than an orderly FIN.</summary>
    private static void Reset(TcpClient client)
    {
        try
        {
            if (client.Client is { } socket)
            {
                socket.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        client.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (cut)
            {
                Reset(inbound);
                continue;
            }

            _ = RelayAsync(inbound);
        }
    }

    private async Task RelayAsync(TcpClient inbound)
    {
        var outbound = new TcpClient();
        try
        {
            await outbound.ConnectAsync(target, stopping.Token);
            lock (open)
            {
                open.Add(inbound);
                open.Add(outbound);
            }

            var a = PumpAsync(inbound.GetStream(), outbound.GetStream(), toServer: true);
            var b = PumpAsync(outbound.GetStream(), inbound.GetStream(), toServer: false);
            await Task.WhenAny(a, b);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            inbound.Dispose();
            outbound.Dispose();
            lock (open)
            {
                open.Remove(inbound);
                open.Remove(outbound);
            }
        }
    }

    private async Task PumpAsync(Stream from, Stream to, bool toServer)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, stopping.Token)) > 0)
            {
                if (cut)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), stopping.Token);
                if (toServer)
                {
                    Interlocked.Add(ref bytesToServer, read);
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Cut();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
        }

        stopping.Dispose();
    }
}
