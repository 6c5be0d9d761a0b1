using Microsoft.AspNetCore.Http;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Tests.Web;

public sealed class ThemeChoiceTests
{
    [Theory]
    [InlineData("tg-theme=dark", "dark")]
    [InlineData("tg-theme=light", "light")]
    [InlineData("tg-theme=Dark", null)]
    [InlineData("tg-theme=dark%22%3E%3Cscript%3E", null)]
    [InlineData("other=dark", null)]
    [InlineData(null, null)]
    public void Only_light_or_dark_from_the_cookie_is_a_choice(string? cookieHeader, string? expected) =>
        Assert.Equal(expected, ThemeChoice.FromRequest(RequestWith(cookieHeader)));

    [Theory]
    [InlineData("tg-scheme=dark", "dark")]
    [InlineData("tg-scheme=light", "light")]
    [InlineData("tg-scheme=black", null)]
    [InlineData("tg-theme=dark", null)]
    [InlineData(null, null)]
    public void Only_light_or_dark_from_the_scheme_cookie_is_a_scheme(string? cookieHeader, string? expected) =>
        Assert.Equal(expected, ThemeChoice.SchemeFromRequest(RequestWith(cookieHeader)));

    [Theory]
    [InlineData(null, "\"dark\"", "dark")] // a first visit: the browser's client hint (a quoted string)
    [InlineData(null, "\"light\"", "light")]
    [InlineData(null, "dark", "dark")] // as a token, too
    [InlineData(null, "\"no-preference\"", null)]
    [InlineData(null, "\"dark\"><script>", null)]
    [InlineData("tg-scheme=light", "\"dark\"", "light")] // what the page's own script last saw comes first
    [InlineData("tg-scheme=black", "\"dark\"", "dark")] // a tampered cookie is nothing, the hint stands
    public void Without_a_scheme_cookie_the_browsers_client_hint_tells_the_scheme(string? cookieHeader, string hint, string? expected) =>
        Assert.Equal(expected, ThemeChoice.SchemeFromRequest(RequestWith(cookieHeader, hint)));

    private static HttpRequest RequestWith(string? cookieHeader, string? schemeHint = null)
    {
        var context = new DefaultHttpContext();
        if (cookieHeader is not null)
        {
            context.Request.Headers.Cookie = cookieHeader;
        }

        if (schemeHint is not null)
        {
            context.Request.Headers[ThemeChoice.SchemeHintHeader] = schemeHint;
        }

        return context.Request;
    }

    [Theory]
    [InlineData(null, null, false)] // never seen: light until the page is interactive
    [InlineData(null, "dark", true)] // a dark browser, seen on an earlier page
    [InlineData("light", "dark", false)] // a choice wins over the browser
    [InlineData("dark", "light", true)]
    public void The_first_paint_takes_the_choice_then_the_browsers_scheme_as_last_seen(string? theme, string? scheme, bool dark)
    {
        var choice = new ThemeChoice();
        choice.Capture(theme, scheme);
        Assert.Equal(dark, choice.StartsDark);
    }

    [Fact]
    public void A_toggle_made_in_the_circuit_outlives_a_later_capture_of_the_first_requests_cookie()
    {
        var choice = new ThemeChoice();
        choice.Capture(null);
        Assert.Null(choice.Dark);

        choice.Capture("dark");
        Assert.True(choice.Dark);

        choice.Dark = false; // the toggle
        choice.Capture("dark"); // the root re-rendered with the opening request's parameters
        Assert.False(choice.Dark);
    }
}
