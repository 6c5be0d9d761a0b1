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
    public void Only_light_or_dark_from_the_cookie_is_a_choice(string? cookieHeader, string? expected)
    {
        var context = new DefaultHttpContext();
        if (cookieHeader is not null)
        {
            context.Request.Headers.Cookie = cookieHeader;
        }

        Assert.Equal(expected, ThemeChoice.FromRequest(context.Request));
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
