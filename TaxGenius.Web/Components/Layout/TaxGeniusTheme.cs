using MudBlazor;

namespace TaxGenius.Web.Components.Layout;

/// <summary>The firm's palette: a deep navy primary (trust) with a warm amber accent, and system fonts (no web fonts are fetched).</summary>
public static class TaxGeniusTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1e3a8a",
            Secondary = "#b45309",
            AppbarBackground = "#1e3a8a",
            Background = "#f5f7fb",
            DrawerBackground = "#ffffff",
            // MudBlazor's default secondary text (#717274) is 4.48:1 on this background: just under WCAG AA.
            TextSecondary = "#5b6475",
            Success = "#15803d",
            Warning = "#b45309",
            Error = "#b91c1c",
            Info = "#0369a1",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#93b4ff",
            // White on this light blue is 2:1; the dark background colour reads at 9:1.
            PrimaryContrastText = "#0b1120",
            Secondary = "#f59e0b",
            // White on amber is 2.1:1; the dark navy reads at 8:1.
            SecondaryContrastText = "#111827",
            // MudBlazor's bright dark-theme status colours carry white text at 2.5–3.6:1: dark text instead.
            InfoContrastText = "#0b1120",
            SuccessContrastText = "#0b1120",
            WarningContrastText = "#0b1120",
            ErrorContrastText = "#0b1120",
            AppbarBackground = "#111827",
            Background = "#0b1120",
            Surface = "#111827",
            DrawerBackground = "#111827",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
            // Buttons in sentence case ("Remind now", not "REMIND NOW"): easier to read, and the same as the account pages' buttons
            // ("Verify and turn on"), which had made the two halves of the app look like two products. MudBlazor's tabs do not follow
            // this setting: app.css sets theirs.
            Button = new ButtonTypography { TextTransform = "none" },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
