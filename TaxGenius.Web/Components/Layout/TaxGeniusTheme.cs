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
            Success = "#15803d",
            Warning = "#b45309",
            Error = "#b91c1c",
            Info = "#0369a1",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#93b4ff",
            Secondary = "#f59e0b",
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
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
