using MudBlazor;

namespace TaxGenius.Web.Components.Shared;

/// <summary>The one way pages ask before an action that cannot be undone: a small message box that Escape or Cancel dismisses.</summary>
public static class Confirmations
{
    /// <summary>True only when the user pressed <paramref name="yesText"/>.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string yesText, string cancelText = "Cancel")
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        var answer = await dialogs.ShowMessageBoxAsync(new MessageBoxOptions
        {
            Title = title,
            Message = message,
            YesText = yesText,
            CancelText = cancelText,
        }, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true });
        return answer == true;
    }
}
