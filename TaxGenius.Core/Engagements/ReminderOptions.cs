using System.ComponentModel.DataAnnotations;

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
}
