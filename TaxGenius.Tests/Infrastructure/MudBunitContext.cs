using Bunit;
using MudBlazor.Services;

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
}
