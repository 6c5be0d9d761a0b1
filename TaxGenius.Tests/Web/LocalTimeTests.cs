using Microsoft.AspNetCore.Http;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Tests.Web;

/// <summary>Times in the person's zone: the browser's zone from the tg-tz cookie, US zones by their letters, others by offset.</summary>
public sealed class LocalTimeTests
{
    [Theory]
    [InlineData("America/New_York", "2026-12-06T14:14:00", "Dec 6, 2026, 9:14 AM EST")]
    [InlineData("America/New_York", "2026-07-01T16:00:00", "Jul 1, 2026, 12:00 PM EDT")]
    [InlineData("America/Chicago", "2026-12-06T03:30:00", "Dec 5, 2026, 9:30 PM CST")]
    [InlineData("America/Denver", "2026-04-15T05:59:00", "Apr 14, 2026, 11:59 PM MDT")]
    [InlineData("America/Phoenix", "2026-07-01T19:00:00", "Jul 1, 2026, 12:00 PM MST")]
    [InlineData("America/Los_Angeles", "2026-01-15T20:05:00", "Jan 15, 2026, 12:05 PM PST")]
    [InlineData("America/Anchorage", "2026-01-15T20:05:00", "Jan 15, 2026, 11:05 AM AKST")]
    [InlineData("Pacific/Honolulu", "2026-01-15T20:05:00", "Jan 15, 2026, 10:05 AM HST")]
    [InlineData("America/Puerto_Rico", "2026-01-15T20:05:00", "Jan 15, 2026, 4:05 PM AST")]
    [InlineData("Europe/Berlin", "2026-01-15T20:05:00", "Jan 15, 2026, 9:05 PM GMT+1")]
    [InlineData("Asia/Kolkata", "2026-01-15T20:05:00", "Jan 16, 2026, 1:35 AM GMT+5:30")]
    [InlineData("Europe/London", "2026-01-15T20:05:00", "Jan 15, 2026, 8:05 PM GMT")]
    [InlineData("Etc/UTC", "2026-01-15T20:05:00", "Jan 15, 2026, 8:05 PM UTC")]
    public void A_moment_is_shown_in_the_zone_with_its_name(string zoneId, string utc, string shown)
    {
        var time = new LocalTime();
        time.Capture(zoneId);

        Assert.Equal(shown, Spaced(time.Moment(DateTime.SpecifyKind(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc))));
    }

    [Fact]
    public void The_day_time_and_recent_forms_are_local_too()
    {
        var time = new LocalTime();
        time.Capture("America/Chicago");
        var lateEvening = new DateTime(2026, 12, 6, 3, 30, 0, DateTimeKind.Utc);

        Assert.Equal("Dec 5, 2026", time.Day(lateEvening));
        Assert.Equal("December 5", time.Day(lateEvening, "MMMM d"));
        // The time, its AM/PM and its zone stay on one line.
        Assert.Equal("9:30\u00A0PM\u00A0CST", time.Time(lateEvening));
        Assert.Equal("Dec 5, 9:30\u00A0PM", time.Recent(lateEvening));
        Assert.Equal("CST", time.ZoneName(lateEvening));
        // A value SQLite handed back without its kind is still UTC.
        Assert.Equal("Dec 5, 2026", time.Day(DateTime.SpecifyKind(lateEvening, DateTimeKind.Unspecified)));
    }

    [Fact]
    public void Today_is_the_persons_own_date()
    {
        var time = new LocalTime();
        time.Capture("America/Los_Angeles");

        // 8 PM in California on December 5 is already December 6 in UTC.
        Assert.Equal(new DateTime(2026, 12, 5), time.Today(new FixedClock(new DateTimeOffset(2026, 12, 6, 4, 0, 0, TimeSpan.Zero))));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("../../etc/passwd")]
    [InlineData("America/Chicago; path=/")]
    [InlineData("America/Chicago\u0000")]
    public void Without_a_known_zone_times_are_in_UTC_and_say_so(string? cookie)
    {
        var time = new LocalTime();
        time.Capture(cookie);

        Assert.Same(TimeZoneInfo.Utc, time.Zone);
        Assert.Equal("Dec 6, 2026, 3:30 AM UTC", Spaced(time.Moment(new DateTime(2026, 12, 6, 3, 30, 0, DateTimeKind.Utc))));
    }

    [Fact]
    public void An_overlong_zone_id_is_refused_before_it_is_looked_up() =>
        Assert.Null(LocalTime.Find("America/" + new string('A', 100)));

    [Fact]
    public void A_later_capture_without_a_zone_keeps_the_one_known()
    {
        var time = new LocalTime();
        time.Capture("America/Denver");
        time.Capture(null);

        Assert.Equal("America/Denver", time.Zone.Id);
    }

    [Theory]
    [InlineData("tg-tz=America/Chicago", "America/Chicago")]
    [InlineData("tg-theme=dark; tg-tz=Pacific/Honolulu", "Pacific/Honolulu")]
    [InlineData("tg-tz=Nowhere/Special", null)]
    [InlineData("tg-theme=dark", null)]
    public void The_cookie_names_the_zone_only_when_the_server_knows_it(string cookieHeader, string? zone)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = cookieHeader;

        Assert.Equal(zone, LocalTime.FromRequest(context.Request));
    }

    private static string Spaced(string shown) => shown.Replace('\u00A0', ' ');

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
