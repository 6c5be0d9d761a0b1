using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web;

public sealed class InfrastructureTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Theory]
    [InlineData("/Account/Login", HttpStatusCode.OK)]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/client", HttpStatusCode.Redirect)]
    public async Task Pages_answer_HEAD_like_GET(string path, HttpStatusCode expected)
    {
        using var client = app.Factory.CreateClient(new() { AllowAutoRedirect = false });
        using var get = await client.GetAsync(path);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
        Assert.Equal((expected, expected), (get.StatusCode, head.StatusCode));
        Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(get.Headers.Location, head.Headers.Location);
        // Kestrel sends no body for HEAD by itself (curl -I against the running app); the in-memory test server does not drop it.
    }

    [Fact]
    public async Task The_distributed_cache_is_Redis_when_configured()
    {
        var cache = app.Factory.Services.GetRequiredService<IDistributedCache>();
        var key = "test:" + Guid.NewGuid();
        await cache.SetStringAsync(key, "cached value");

        var redis = app.Factory.Services.GetRequiredService<IConnectionMultiplexer>();
        Assert.True(await redis.GetDatabase().KeyExistsAsync(app.Factory.Database!.Name + ":" + key));
        Assert.Equal("cached value", await cache.GetStringAsync(key));
    }

    [Fact]
    public async Task Health_endpoints_answer_in_JSON()
    {
        using var client = app.Factory.CreateClient();
        using var live = await client.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("application/json", ready.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("jobs").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("storage").GetProperty("status").GetString());
        Assert.StartsWith("local folder", checks.GetProperty("storage").GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
