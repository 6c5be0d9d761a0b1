using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using TaxGenius.Web.Infrastructure;
using TaxGenius.Web.Infrastructure.Live;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>A bunit context with MudBlazor's services, loose JS interop and async disposal (MudBlazor's popover service needs it).</summary>
public abstract class MudBunitContext : BunitContext, IAsyncLifetime
{
    protected MudBunitContext()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    /// <summary>
    /// Renders interactive pages over a real app (its PostgreSQL): <paramref name="services"/> are taken from the app, and the
    /// circuit's own services are scoped here as the app scopes them per circuit. Call after any other registration: the renderer
    /// is created here. The script calls return at once, so a component's first render comes before what it loads, as it can in a
    /// browser.
    /// </summary>
    protected void RenderOver(TaxGeniusAppFactory app, params Type[] services)
    {
        foreach (var type in services)
        {
            Services.AddSingleton(type, app.Services.GetRequiredService(type));
        }

        Services.AddSingleton(app.Services.GetRequiredService<TimeProvider>());
        Services.AddScoped<CircuitClient>();
        Services.AddScoped<LiveClient>();
        Services.AddScoped<LocalTime>();
        Services.AddScoped<DatabaseErrors>();
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
    }
}
