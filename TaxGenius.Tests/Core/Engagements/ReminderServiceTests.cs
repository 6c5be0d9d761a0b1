using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Engagements;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Engagements;

/// <summary>
/// The reminder schedule under a fake clock, day by day, with two app instances running the job at once (and a retry) every day:
/// sent on the schedule's days only, never twice a day, stopped by a complete checklist, a pause or a hold.
/// </summary>
public sealed class ReminderServiceTests
{
    private static readonly DateTimeOffset RequestedAt = new(2026, 2, 2, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider clock = new(RequestedAt);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Reminders_follow_the_schedule_never_twice_a_day_across_two_instances_and_stop_by_themselves(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var instanceA = new EngagementServices(database, clock);
        using var instanceB = new EngagementServices(database, clock);
        var pat = new AuditActor(await TestUsers.CreateAsync(database, "pat@example.test", "Pat", "Preparer"), "pat@example.test", null);

        var waiting = await RequestAsync(instanceA, database, pat, "casey@example.test");      // never answers
        var finishing = await RequestAsync(instanceA, database, pat, "dana@example.test");     // answers on day 10
        var paused = await RequestAsync(instanceA, database, pat, "eli@example.test");         // paused by staff on day 5
        var held = await RequestAsync(instanceA, database, pat, "fay@example.test");           // put on hold on day 5

        // Every day from the request to past the due date (April 15, 2026), two instances run the job at the same moment, and then
        // one of them runs it again (Hangfire retrying): the schedule decides, the database keeps it to one a day.
        for (var day = 0; day <= 80; day++)
        {
            clock.SetUtcNow(RequestedAt.AddDays(day).AddHours(1));
            if (day == 5)
            {
                Assert.True(await instanceA.Reminders.SetPausedAsync(pat, paused.Engagement, true));
                var hold = await instanceA.Engagements.MoveAsync(pat, held.Engagement, EngagementStage.OnHold, null, "Waiting for the client's divorce papers");
                Assert.True(hold.Succeeded, hold.Error);
            }

            if (day == 10)
            {
                var waived = await instanceB.Requests.MarkNotApplicableAsync(finishing.Client, finishing.Item, "No W-2 this year: I was self-employed");
                Assert.Equal(EngagementStage.DocumentsReceived, waived.Stage);
            }

            await Task.WhenAll(instanceA.Reminders.SendDueAsync(), instanceB.Reminders.SendDueAsync());
            await instanceB.Reminders.SendDueAsync();
        }

        var due = new DateOnly(2026, 4, 15);
        var requestedOn = DateOnly.FromDateTime(RequestedAt.UtcDateTime);
        List<int> expected = [3, 7, 14];
        for (var d = 21; requestedOn.AddDays(d) <= due; d += 7)
        {
            expected.Add(d);
        }

        Assert.Equal(expected, await SentDaysAsync(database, waiting.Engagement, requestedOn));
        Assert.Equal([3, 7], await SentDaysAsync(database, finishing.Engagement, requestedOn));
        Assert.Equal([3], await SentDaysAsync(database, paused.Engagement, requestedOn));
        Assert.Equal([3], await SentDaysAsync(database, held.Engagement, requestedOn));

        // One e-mail per reminder, to the right client, listing exactly what is missing, with the link straight to it.
        await using var db = await database.Factory.CreateDbContextAsync();
        var toCasey = await db.QueuedEmails.AsNoTracking().Where(e => e.Template == "documents-reminder" && e.To == "casey@example.test").ToListAsync();
        Assert.Equal(expected.Count, toCasey.Count);
        Assert.All(toCasey, e => Assert.Contains("W-2 from Acme Corp", e.TextBody, StringComparison.Ordinal));
        Assert.All(toCasey, e => Assert.Contains("https://app.example.test/client#requests", e.TextBody, StringComparison.Ordinal));
        Assert.Equal(expected.Count + 1 + 1 + 2, await db.QueuedEmails.CountAsync(e => e.Template == "documents-reminder"));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Remind_now_sends_at_once_but_not_twice_in_a_day_and_not_when_nothing_is_missing(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, clock);
        using var services = new EngagementServices(database, clock);
        var pat = new AuditActor(await TestUsers.CreateAsync(database, "pat@example.test", "Pat", "Preparer"), "pat@example.test", null);
        var casey = await RequestAsync(services, database, pat, "casey@example.test");

        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(ReminderOutcome.Sent, await services.Reminders.RemindNowAsync(pat, casey.Engagement));
        Assert.Equal(ReminderOutcome.AlreadySentToday, await services.Reminders.RemindNowAsync(pat, casey.Engagement));
        Assert.Equal(ReminderOutcome.NotFound, await services.Reminders.RemindNowAsync(pat, Guid.NewGuid()));

        // Day 3: the schedule's first reminder still goes (the manual one was before it); not again the same day.
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await services.Reminders.SendDueAsync());
        Assert.Equal(ReminderOutcome.AlreadySentToday, await services.Reminders.RemindNowAsync(pat, casey.Engagement));

        clock.Advance(TimeSpan.FromDays(1));
        Assert.True((await services.Requests.MarkNotApplicableAsync(casey.Client, casey.Item, "Retired in 2024")).Succeeded);
        Assert.Equal(ReminderOutcome.NothingMissing, await services.Reminders.RemindNowAsync(pat, casey.Engagement));

        var activity = await services.Reminders.ListAsync(casey.Engagement);
        Assert.Equal([ReminderKind.Scheduled, ReminderKind.Manual], activity.Select(r => r.Kind));
        Assert.Equal("pat@example.test", activity[1].ActorEmail);
        Assert.Equal("Pat Preparer", activity[1].ActorName); // as colleagues know her, not her address
        Assert.Null(activity[0].ActorName);
    }

    [Fact]
    public void The_schedule_catches_up_a_missed_day_once_and_ends_at_the_due_date()
    {
        var options = new ReminderOptions();
        var requested = new DateOnly(2026, 2, 2);
        var due = new DateOnly(2026, 4, 15);
        Assert.False(ReminderSchedule.IsDue(requested, requested.AddDays(2), due, null, options));
        Assert.True(ReminderSchedule.IsDue(requested, requested.AddDays(3), due, null, options));
        // The job did not run on days 7 to 9: day 10 sends one, day 11 none.
        Assert.True(ReminderSchedule.IsDue(requested, requested.AddDays(10), due, requested.AddDays(3), options));
        Assert.False(ReminderSchedule.IsDue(requested, requested.AddDays(11), due, requested.AddDays(10), options));
        Assert.False(ReminderSchedule.IsDue(requested, due.AddDays(1), due, null, options));
        var custom = new ReminderOptions { ScheduleDays = [1], ThenEveryDays = 0 };
        Assert.True(ReminderSchedule.IsDue(requested, requested.AddDays(1), due, null, custom));
        Assert.False(ReminderSchedule.IsDue(requested, requested.AddDays(30), due, requested.AddDays(1), custom));
    }

    [Fact]
    public void The_switch_says_when_reminders_go_out_from_the_configured_schedule_and_the_stage()
    {
        var options = new ReminderOptions();
        Assert.Equal("3, 7 and 14 days after the request, then weekly until the due date", ReminderSchedule.Describe(options));
        Assert.Equal("1 day after the request", ReminderSchedule.Describe(new ReminderOptions { ScheduleDays = [1], ThenEveryDays = 0 }));
        Assert.Equal("5 and 10 days after the request, then every 3 days until the due date",
            ReminderSchedule.Describe(new ReminderOptions { ScheduleDays = [10, 5, 5], ThenEveryDays = 3 }));
        Assert.Equal("daily after the request until the due date", ReminderSchedule.Describe(new ReminderOptions { ScheduleDays = [], ThenEveryDays = 1 }));
        Assert.Equal("none are scheduled", ReminderSchedule.Describe(new ReminderOptions { ScheduleDays = [], ThenEveryDays = 0 }));

        var today = new DateOnly(2026, 3, 1);
        var due = new DateOnly(2026, 4, 15);
        Assert.Equal("Automatic reminders on: 3, 7 and 14 days after the request, then weekly until the due date",
            ReminderSchedule.SwitchLabel(false, EngagementStage.DocumentsRequested, today, due, options));
        Assert.Equal("Automatic reminders are paused", ReminderSchedule.SwitchLabel(true, EngagementStage.DocumentsRequested, today, due, options));
        Assert.Equal("Automatic reminders on, but none go out after the due date",
            ReminderSchedule.SwitchLabel(false, EngagementStage.DocumentsRequested, due.AddDays(1), due, options));
        Assert.Equal("Automatic reminders on, but none go out after the due date",
            ReminderSchedule.SwitchLabel(false, EngagementStage.NotStarted, due.AddDays(1), due, options));
        Assert.Equal("Automatic reminders on: 1 day after the request",
            ReminderSchedule.SwitchLabel(false, EngagementStage.NotStarted, today, due, new ReminderOptions { ScheduleDays = [1], ThenEveryDays = 0 }));
        // A filed or finished return never gets a scheduled reminder (SendDueAsync picks only "Documents requested"), so the switch does not claim it.
        foreach (var stage in new[] { EngagementStage.DocumentsReceived, EngagementStage.Filed, EngagementStage.Done, EngagementStage.OnHold })
        {
            Assert.Equal("Automatic reminders on, but none go out at this stage: only while documents are requested",
                ReminderSchedule.SwitchLabel(false, stage, today, due, options));
        }
    }

    private static async Task<(Guid Client, Guid Engagement, Guid Item)> RequestAsync(EngagementServices services, TestDatabase database,
        AuditActor actor, string email)
    {
        var client = await TestUsers.CreateAsync(database, email, email.Split('@')[0], "Client");
        var engagement = await services.Engagements.EnsureAsync(client, 2025);
        var asked = await services.Requests.RequestAsync(actor, engagement.Id,
            [new NewRequestItem(RequestKind.W2, "W-2 from Acme Corp"), new NewRequestItem(RequestKind.Other, "Daycare receipts", Required: false)]);
        Assert.True(asked.Succeeded, asked.Error);
        var item = (await services.Requests.ListAsync(engagement.Id)).First(i => i.Required);
        return (client, engagement.Id, item.Id);
    }

    private static async Task<List<int>> SentDaysAsync(TestDatabase database, Guid engagementId, DateOnly requestedOn)
    {
        await using var db = await database.Factory.CreateDbContextAsync();
        var days = await db.EngagementReminders.AsNoTracking().Where(r => r.EngagementId == engagementId).Select(r => r.SentOn).ToListAsync();
        return days.Select(d => d.DayNumber - requestedOn.DayNumber).Order().ToList();
    }
}
