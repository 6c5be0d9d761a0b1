using Microsoft.AspNetCore.Identity;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;

namespace TaxGenius.Core.Identity;

/// <summary>
/// The account e-mails the sign-in pages send: confirm an address, reset a password, confirm a change of address. The token is
/// Identity's; the link is built from the configured public base URL (<see cref="PublicUrls"/>), never from the request.
/// </summary>
public sealed class AccountEmails(UserManager<ApplicationUser> users, PublicUrls urls, EmailQueue emails)
{
    public async Task SendConfirmationAsync(ApplicationUser user, string? returnUrl = null, CancellationToken cancellationToken = default) =>
        await emails.QueueAsync(Address(user),
            new ConfirmEmailEmail(null, urls.ConfirmEmail(user.Id, await users.GenerateEmailConfirmationTokenAsync(user), returnUrl)), cancellationToken);

    public async Task SendPasswordResetAsync(ApplicationUser user, CancellationToken cancellationToken = default) =>
        await emails.QueueAsync(Address(user), new PasswordResetEmail(urls.ResetPassword(await users.GeneratePasswordResetTokenAsync(user))),
            cancellationToken);

    /// <summary>Sent to the new address: the change happens only when its owner opens the link.</summary>
    public async Task SendEmailChangeAsync(ApplicationUser user, string newEmail, CancellationToken cancellationToken = default) =>
        await emails.QueueAsync(newEmail,
            new ConfirmEmailEmail(null, urls.ConfirmEmailChange(user.Id, newEmail, await users.GenerateChangeEmailTokenAsync(user, newEmail))),
            cancellationToken);

    private static string Address(ApplicationUser user) =>
        user.Email ?? throw new InvalidOperationException("The account has no e-mail address.");
}
