namespace TaxGenius.Web.Infrastructure;

/// <summary>
/// The web app's log events (2000–2999; the Core's are 1000–1999), written with source-generated <see cref="LoggerMessageAttribute"/>
/// so each has a stable EventId to alert on and costs nothing when its level is off. Never an SSN, a password, a code or a file.
/// </summary>
internal static partial class WebLog
{
    // 2000–2099: the API.
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "API token {TokenId} refused: its account may not use the API")]
    public static partial void ApiTokenAccountRefused(this ILogger logger, Guid tokenId);

    // 2100–2199: sign-in and account security (ASP.NET Core Identity's own events keep theirs).
    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "User {UserId} signed in with a password")]
    public static partial void SignedIn(this ILogger logger, Guid userId);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "User {UserId} signed in with an authenticator code")]
    public static partial void SignedInWithAuthenticator(this ILogger logger, Guid userId);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Information, Message = "User {UserId} signed in with a recovery code")]
    public static partial void SignedInWithRecoveryCode(this ILogger logger, Guid userId);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Sign-in refused: account {UserId} is locked out")]
    public static partial void LockedOut(this ILogger logger, Guid? userId);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "A wrong authenticator code was entered for user {UserId}")]
    public static partial void WrongAuthenticatorCode(this ILogger logger, Guid userId);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "A wrong recovery code was entered for user {UserId}")]
    public static partial void WrongRecoveryCode(this ILogger logger, Guid userId);

    [LoggerMessage(EventId = 2111, Level = LogLevel.Information, Message = "A client created an account")]
    public static partial void ClientRegistered(this ILogger logger);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Information, Message = "User {UserId} changed their password")]
    public static partial void PasswordChanged(this ILogger logger, Guid userId);

    [LoggerMessage(EventId = 2113, Level = LogLevel.Information, Message = "User {UserId} turned on two-factor sign-in with an authenticator app")]
    public static partial void TwoFactorEnabled(this ILogger logger, Guid userId);

    [LoggerMessage(EventId = 2114, Level = LogLevel.Information, Message = "User {UserId} turned off two-factor sign-in")]
    public static partial void TwoFactorDisabled(this ILogger logger, Guid userId);

    [LoggerMessage(EventId = 2115, Level = LogLevel.Information, Message = "User {UserId} generated new recovery codes")]
    public static partial void RecoveryCodesGenerated(this ILogger logger, Guid userId);

    // 2200–2299: start-up and hosting.
    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "{Notice}")]
    public static partial void StartupNotice(this ILogger logger, string notice);

    /// <summary>Hangfire's own messages, at the level Hangfire gave them.</summary>
    [LoggerMessage(EventId = 2301, Message = "{HangfireMessage}")]
    public static partial void Hangfire(this ILogger logger, LogLevel level, Exception? exception, string hangfireMessage);

    // 2400–2499: faults (a database that does not answer, a page that failed).
    [LoggerMessage(EventId = 2401, Level = LogLevel.Warning, Message = "The database could not be reached during {Operation} ({ErrorType}); the user was asked to try again")]
    public static partial void DatabaseUnavailable(this ILogger logger, string operation, string errorType);

    [LoggerMessage(EventId = 2404, Level = LogLevel.Warning, Message = "The document store could not be reached during {Operation} ({Reason}); the user was asked to try again")]
    public static partial void StorageUnavailable(this ILogger logger, string operation, string reason);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Error, Message = "A page failed ({ErrorType}, reference {Reference}); the error boundary kept the circuit alive")]
    public static partial void PageFailed(this ILogger logger, Exception exception, string errorType, string reference);

    [LoggerMessage(EventId = 2405, Level = LogLevel.Error, Message = "An API call failed ({ErrorType}, reference {Reference}); it was answered 500 without details")]
    public static partial void ApiFailed(this ILogger logger, Exception exception, string errorType, string reference);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Warning, Message = "The session re-check of an open page could not reach the database ({ErrorType}); the user stays signed in until the next check")]
    public static partial void RevalidationDeferred(this ILogger logger, string errorType);

    [LoggerMessage(EventId = 2501, Level = LogLevel.Warning, Message = "A page's handler of the live event {Name} failed ({ErrorType})")]
    public static partial void LiveHandlerFailed(ILogger logger, string name, string errorType);
}
