using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Storage;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Tests.Web.Api;

/// <summary>
/// An API call that fails unexpectedly answers 500 with a ProblemDetails and a reference, never the exception or the request
/// (Development's exception page echoed both, cookies included); the exception is logged under the same reference. An outage of
/// the database or the store is left to <see cref="DatabaseUnavailableMiddleware"/>'s 503.
/// </summary>
public sealed class ApiServerErrorTests
{
    [Fact]
    public async Task An_unexpected_exception_is_a_500_ProblemDetails_with_a_reference_and_nothing_of_the_exception()
    {
        using var logs = new CapturingLoggerProvider();
        await using var services = Services(logs);
        var context = Context(services);
        var middleware = Middleware(services, _ => throw new InvalidOperationException("Box 1 of client 123-45-6789 did not parse"));

        await middleware.InvokeAsync(context);

        Assert.Equal(StatusCodes.Status500InternalServerError, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.DoesNotContain("123-45-6789", body, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-session", body, StringComparison.Ordinal);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((500, ApiProblemDetailsMiddleware.ServerErrorDetail), (problem.GetProperty("status").GetInt32(), problem.GetProperty("detail").GetString()));

        // The operators find it by the reference the caller was given.
        var reference = problem.GetProperty("traceId").GetString();
        Assert.False(string.IsNullOrEmpty(reference));
        Assert.Contains($"reference {reference}", logs.Text(), StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), logs.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_the_server_refuses_keeps_its_own_4xx_and_is_not_logged_as_a_failure()
    {
        using var logs = new CapturingLoggerProvider();
        await using var services = Services(logs);
        var context = Context(services);
        var middleware = Middleware(services, _ => throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge));

        await middleware.InvokeAsync(context);

        Assert.Equal(StatusCodes.Status413PayloadTooLarge, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var problem = JsonDocument.Parse(await new StreamReader(context.Response.Body).ReadToEndAsync()).RootElement;
        Assert.Equal(ApiProblemDetailsMiddleware.TooLargeDetail, problem.GetProperty("detail").GetString());
        Assert.DoesNotContain("failed", logs.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outage_of_the_store_or_database_passes_on_to_the_503_and_a_cancelled_call_is_not_answered()
    {
        using var logs = new CapturingLoggerProvider();
        await using var services = Services(logs);
        var outage = Middleware(services, _ => throw new StorageUnavailableException("store down"));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => outage.InvokeAsync(Context(services)));

        using var aborted = new CancellationTokenSource();
        await aborted.CancelAsync();
        var gone = Context(services);
        gone.RequestAborted = aborted.Token;
        var cancelled = Middleware(services, _ => throw new OperationCanceledException(aborted.Token));
        await Assert.ThrowsAsync<OperationCanceledException>(() => cancelled.InvokeAsync(gone));
        Assert.Equal(0, logs.Count);
    }

    [Fact]
    public async Task In_the_running_app_a_download_that_fails_unexpectedly_is_a_500_ProblemDetails_not_the_exception_page()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync(configureServices: services =>
        {
            // The real store (seeding writes through it), whose reads fail in a way nobody planned for.
            var real = services.Last(d => d.ServiceType == typeof(IBlobStore));
            services.AddSingleton<IBlobStore>(sp => new UnreadableBlobs((IBlobStore)real.ImplementationFactory!(sp)));
        });
        using var client = await app.SignInForApiAsync(TaxGenius.Core.Demo.DemoAccounts.Client);
        var documents = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<JsonElement>(client, "/api/documents");
        var id = documents.EnumerateArray().First().GetProperty("id").GetGuid();

        using var download = await client.GetAsync($"/api/documents/{id}/content");

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, download.StatusCode);
        Assert.Equal("application/problem+json", download.Content.Headers.ContentType?.MediaType);
        var body = await download.Content.ReadAsStringAsync();
        Assert.Contains(ApiProblemDetailsMiddleware.ServerErrorDetail, body, StringComparison.Ordinal);
        Assert.DoesNotContain("123-45-6789", body, StringComparison.Ordinal);
        Assert.DoesNotContain("TaxGenius.Auth", body, StringComparison.Ordinal);
        Assert.DoesNotContain("stack", body, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Everything as the real store, except that a read throws an exception no code path expects.</summary>
    private sealed class UnreadableBlobs(IBlobStore real) : IBlobStore
    {
        public string Description => real.Description;

        public bool IsShared => real.IsShared;

        public Task<IBlobWriter> CreateAsync(string storageKey, CancellationToken cancellationToken) => real.CreateAsync(storageKey, cancellationToken);

        public Task<Stream> OpenReadAsync(string storageKey, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Unexpected state reading the W-2 of 123-45-6789");

        public Task<bool> ExistsAsync(string storageKey, CancellationToken cancellationToken) => real.ExistsAsync(storageKey, cancellationToken);

        public Task DeleteAsync(string storageKey, CancellationToken cancellationToken) => real.DeleteAsync(storageKey, cancellationToken);

        public IAsyncEnumerable<BlobInfo> ListAsync(CancellationToken cancellationToken) => real.ListAsync(cancellationToken);

        public Task<int> RemoveAbandonedWritesAsync(DateTime startedBeforeUtc, CancellationToken cancellationToken) =>
            real.RemoveAbandonedWritesAsync(startedBeforeUtc, cancellationToken);
    }

    private static ServiceProvider Services(CapturingLoggerProvider logs) =>
        new ServiceCollection().AddLogging(l => l.AddProvider(logs)).AddProblemDetails().BuildServiceProvider();

    private static DefaultHttpContext Context(IServiceProvider services)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = "/api/documents";
        context.Request.Headers.Cookie = "TaxGenius.Auth=secret-session";
        context.Request.Headers.Accept = "application/json";
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static ApiProblemDetailsMiddleware Middleware(IServiceProvider services, RequestDelegate next) =>
        new(next, services.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>(),
            services.GetRequiredService<ILogger<ApiProblemDetailsMiddleware>>());
}
