using System.ComponentModel.DataAnnotations;

namespace TaxGenius.Core.Email;

/// <summary>Settings under <c>Email</c>. With <c>Email:Smtp:Host</c> set, mail goes out by SMTP; otherwise into the local outbox folder.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    [Required, EmailAddress]
    public string FromAddress { get; set; } = "no-reply@taxgenius.test";

    [Required]
    public string FromName { get; set; } = "TaxGenius";

    public SmtpSettings Smtp { get; set; } = new();

    public EmailDeliverySettings Delivery { get; set; } = new();

    public bool UseSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);
}

public sealed class SmtpSettings
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>None, StartTls, StartTlsWhenAvailable or SslOnConnect.</summary>
    public string Security { get; set; } = "StartTlsWhenAvailable";
}

/// <summary>
/// Settings under <c>Email:Delivery</c>. A relay that is down for minutes or hours is normal: a message that fails waits
/// with growing back-off (2 s, 4 s, 8 s, … up to <see cref="MaxBackoff"/>) and is given up only after <see cref="GiveUpAfter"/>.
/// </summary>
public sealed class EmailDeliverySettings
{
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);
}
