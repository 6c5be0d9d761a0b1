using System.ComponentModel.DataAnnotations;
using TaxGenius.Core.Common;

namespace TaxGenius.Core.Engagements;

/// <summary>
/// When clients are reminded of missing documents (section <c>TaxGenius:Reminders</c>): on the days after the request in
/// <see cref="ScheduleDays"/>, then every <see cref="ThenEveryDays"/> days until the return is due.
/// </summary>
public sealed class ReminderOptions : IValidatableObject
{
    public const string Section = "TaxGenius:Reminders";

    /// <summary>Days after the request; default 3, 7 and 14.</summary>
    public int[] ScheduleDays { get; set; } = [3, 7, 14];

    /// <summary>After the last of <see cref="ScheduleDays"/>: one reminder every so many days (default weekly); 0 for none.</summary>
    [Range(0, 365)]
    public int ThenEveryDays { get; set; } = 7;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ScheduleDays.Any(d => d is < 1 or > 365))
        {
            yield return new ValidationResult("TaxGenius:Reminders:ScheduleDays takes days between 1 and 365 after the request.", [nameof(ScheduleDays)]);
        }
    }
}

/// <summary>The reminder schedule as dates: pure, so that it is tested day by day without a clock.</summary>
public static class ReminderSchedule
{
    /// <summary>
    /// The latest scheduled reminder day on or before <paramref name="today"/>, or null when none has come yet or the return's due
    /// date has passed.
    /// </summary>
    public static DateOnly? LatestPoint(DateOnly requestedOn, DateOnly today, DateOnly dueDate, ReminderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (today > dueDate)
        {
            return null;
        }

        var elapsed = today.DayNumber - requestedOn.DayNumber;
        var days = options.ScheduleDays.Where(d => d > 0).Order().ToList();
        var latest = days.Where(d => d <= elapsed).Select(d => (int?)d).LastOrDefault();
        var last = days.Count > 0 ? days[^1] : 0;
        if (options.ThenEveryDays > 0 && elapsed > last)
        {
            latest = last + (elapsed - last) / options.ThenEveryDays * options.ThenEveryDays;
        }

        return latest is { } point && point > 0 ? requestedOn.AddDays(point) : null;
    }

    /// <summary>
    /// Whether a reminder is due today: a scheduled day has come since the last reminder (of any kind). A missed day (the job did
    /// not run) is caught up once, never as a burst.
    /// </summary>
    public static bool IsDue(DateOnly requestedOn, DateOnly today, DateOnly dueDate, DateOnly? lastSentOn, ReminderOptions options) =>
        LatestPoint(requestedOn, today, dueDate, options) is { } point && (lastSentOn is null || lastSentOn < point) && lastSentOn != today;

    /// <summary>
    /// The schedule in words, from the configured options (not a fixed text that could disagree with them): "3, 7 and 14 days after
    /// the request, then weekly until the due date".
    /// </summary>
    public static string Describe(ReminderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var days = options.ScheduleDays.Where(d => d > 0).Distinct().Order().ToList();
        var then = options.ThenEveryDays switch
        {
            0 => null,
            1 => "daily",
            7 => "weekly",
            var n => $"every {n} days",
        };
        var first = days.Count switch
        {
            0 => null,
            1 => Plural.Of(days[0], "day") + " after the request",
            _ => $"{string.Join(", ", days[..^1])} and {days[^1]} days after the request",
        };
        return (first, then) switch
        {
            (null, null) => "none are scheduled",
            (null, { } every) => $"{every} after the request until the due date",
            ({ } once, null) => once,
            ({ } once, { } every) => $"{once}, then {every} until the due date",
        };
    }

    /// <summary>
    /// The label of the reminder switch on the engagement page: what the switch does for this return today. Reminders go out only
    /// while documents are requested and until the due date (<see cref="ReminderService.SendDueAsync"/>), so a filed return does
    /// not claim reminders are running.
    /// </summary>
    public static string SwitchLabel(bool paused, EngagementStage stage, DateOnly today, DateOnly dueDate, ReminderOptions options) => (paused, stage) switch
    {
        (true, _) => "Automatic reminders are paused",
        (false, EngagementStage.NotStarted or EngagementStage.DocumentsRequested) when today > dueDate => "Automatic reminders on, but none go out after the due date",
        (false, EngagementStage.NotStarted or EngagementStage.DocumentsRequested) => $"Automatic reminders on: {Describe(options)}",
        _ => "Automatic reminders on, but none go out at this stage: only while documents are requested",
    };
}
