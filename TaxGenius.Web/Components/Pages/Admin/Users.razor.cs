using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Common;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Users;
using TaxGenius.Web.Components.Shared;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Components.Pages.Admin;

public partial class Users
{
    private const int PageSize = 25;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject] private DatabaseErrors DatabaseErrors { get; set; } = default!;

    private MudDataGrid<UserRow>? grid;
    private string? search;
    private string? role;
    private UserState? state;
    private readonly PageNavigation navigation = new();
    private Page<UserRow>? page;
    private bool busy;
    private Guid me;
    private ClaimsPrincipal user = new();

    protected override async Task OnInitializedAsync()
    {
        user = (await AuthenticationState).User;
        me = user.GetUserId();
    }

    private UserFilter Filter => new() { Search = search, Role = role, State = state };

    private async Task<GridData<UserRow>> LoadAsync(GridState<UserRow> gridState, CancellationToken cancellationToken)
    {
        // The database is away: keep the rows on screen (the snackbar says so); the next click loads again.
        if (!await DatabaseErrors.RunAsync(async () =>
                page = await Directory.GetPageAsync(Filter, navigation.After, navigation.Before, PageSize, cancellationToken)) || page is null)
        {
            return new GridData<UserRow> { Items = page?.Rows ?? [], TotalItems = page?.Rows.Count ?? 0 };
        }

        navigation.Loaded(page);

        return new GridData<UserRow> { Items = page.Rows, TotalItems = page.Rows.Count };
    }

    private Task ReloadAsync() => grid?.ReloadServerData() ?? Task.CompletedTask;

    private Task ReloadFromStartAsync()
    {
        navigation.Reset();
        return ReloadAsync();
    }

    private AuditActor Actor() => Client.ActorFor(user);

    private Task ChangeRoleAsync(UserRow row, string newRole) => ConfirmAsync(row, "Change role",
        $"Make {row.Email} {Roles.DisplayName(newRole)} instead of {(row.Role is { } r ? Roles.DisplayName(r) : "no role")}? " +
        "Their open sessions end within a minute; they sign in again with the new role.",
        (actor, id, ct) => Lifecycle.ChangeRoleAsync(actor, id, newRole, ct), yesText: $"Make {Roles.DisplayName(newRole)}");

    private Task DeleteAsync(UserRow row) => ConfirmAsync(row, "Delete account",
        row.Role == Roles.Client
            ? $"Delete {row.Email} for good? Their profile, every document and the stored files are removed. This cannot be undone."
            : $"Delete {row.Email} for good? Documents assigned to them go back to the queue unassigned. This cannot be undone.",
        Lifecycle.DeleteAsync, yesText: "Delete for good", danger: true);

    private async Task ConfirmAsync(UserRow row, string title, string message, Func<AuditActor, Guid, CancellationToken, Task<UserActionResult>> action,
        string? yesText = null, bool danger = false)
    {
        if (!await Dialogs.ConfirmAsync(title, message, yesText ?? title))
        {
            return;
        }

        busy = true;
        try
        {
            var done = await DatabaseErrors.RunAsync(async () =>
            {
                var result = await action(Actor(), row.Id, CancellationToken.None);
                Snackbar.Add((result.Succeeded ? result.Message : result.Error) ?? "", result.Succeeded ? (danger ? Severity.Warning : Severity.Success) : Severity.Error);
            });
            if (!done)
            {
                return;
            }
        }
        finally
        {
            busy = false;
        }

        await ReloadAsync();
    }

    private async Task InviteAsync()
    {
        var dialog = await Dialogs.ShowAsync<InviteStaffDialog>("Invite staff", new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var result = await dialog.Result;
        if (result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }

    private static Color RoleColor(string? role) => role switch
    {
        Roles.Admin => Color.Secondary,
        Roles.Preparer => Color.Primary,
        Roles.Referrer => Color.Info,
        Roles.Client => Color.Default,
        _ => Color.Dark,
    };

    private static Color StateColor(UserState state) => state switch
    {
        UserState.Active => Color.Success,
        UserState.Locked => Color.Error,
        UserState.Deactivated => Color.Dark,
        _ => Color.Warning,
    };
}
