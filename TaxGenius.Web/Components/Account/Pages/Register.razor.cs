using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Identity;
using TaxGenius.Core.Common;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Referrals;
using TaxGenius.Web.Infrastructure;

namespace TaxGenius.Web.Components.Account.Pages;

public partial class Register
{
    private IEnumerable<IdentityError>? identityErrors;

    [SupplyParameterFromForm]
    private InputModel Input { get; set; } = default!;

    [SupplyParameterFromQuery]
    private string? ReturnUrl { get; set; }

    /// <summary>The code of the referral link that led here (/r/{code} redirects with it).</summary>
    [SupplyParameterFromQuery(Name = "ref")]
    private string? LinkCode { get; set; }

    /// <summary>"unknown" when /r/{code} did not know the link's code (cut short in a message, or mistyped).</summary>
    [SupplyParameterFromQuery(Name = "link")]
    private string? LinkState { get; set; }

    [CascadingParameter]
    private HttpContext HttpContext { get; set; } = default!;

    /// <summary>Shown above the form when the referral link that led here was not one we know; gone once the person types a code.</summary>
    private bool UnknownLink => LinkState == "unknown" && string.IsNullOrWhiteSpace(Input?.ReferralCode) && identityErrors is null;

    private ValidationMessageStore? referralMessages;

    private string? Message => identityErrors is null ? null : $"Error: {string.Join(" ", identityErrors.Select(error => error.Description))}";

    protected override void OnInitialized()
    {
        if (Input is null)
        {
            // First visit: prefill the code from the link, else from the link's cookie (set by /r/{code}, 30 days).
            Input = new();
            var cookieCode = HttpContext.Request.Cookies[ReferralCodeService.CookieName];
            var (code, from) = ReferralCodes.IsWellFormed(ReferralCodes.Normalize(LinkCode)) ? (ReferralCodes.Normalize(LinkCode), "link")
                : ReferralCodes.IsWellFormed(ReferralCodes.Normalize(cookieCode)) ? (ReferralCodes.Normalize(cookieCode), "cookie")
                : (null, null);
            Input.ReferralCode = code;
            Input.PrefilledCode = code;
            Input.PrefilledFrom = from;
        }
    }

    private const string PasswordChoice = "password";
    private const string PasskeyChoice = "passkey";

    public async Task RegisterUser(EditContext editContext)
    {
        var usePasskey = Input.SignInWith == PasskeyChoice;
        var typed = ReferralCodes.Normalize(Input.ReferralCode);
        if (typed is not null && !await CodeService.CodeExistsAsync(typed))
        {
            referralMessages ??= new ValidationMessageStore(editContext);
            referralMessages.Add(new FieldIdentifier(Input, nameof(InputModel.ReferralCode)), "We don't know that referral code. Check it with the person who gave it to you, or leave the field empty.");
            editContext.NotifyValidationStateChanged();
            return;
        }

        // The code in the field counts as the link's (or the cookie's) when it is still the one that was filled in; otherwise it was typed.
        var source = typed is not null && typed == ReferralCodes.Normalize(Input.PrefilledCode)
            ? Input.PrefilledFrom == "link" ? ReferralSource.Link : Input.PrefilledFrom == "cookie" ? ReferralSource.Cookie : ReferralSource.Code
            : ReferralSource.Code;
        var referral = new RegistrationReferral(typed, source, HttpContext.Request.Cookies[ReferralCodeService.CookieName]);
        var outcome = await Registration.RegisterClientAsync(Input.Email.Trim(), usePasskey ? null : Input.Password, Input.FirstName.Trim(),
            Input.LastName.Trim(), referral);
        if (outcome.Errors is { Count: > 0 } errors)
        {
            identityErrors = errors;
            return;
        }

        if (outcome.User is { } user)
        {
            Logger.ClientRegistered();
            await AccountEmails.SendConfirmationAsync(user, TaxGenius.Core.Common.LocalUrls.IsLocal(ReturnUrl) ? ReturnUrl : null);
        }

        // Same answer whether or not the address already had an account: registration does not reveal who is a client.
        // The link's cookie has done its job (deleted either way, so the answer still does not tell who had an account).
        HttpContext.Response.Cookies.Delete(ReferralCodeService.CookieName);
        RedirectManager.RedirectTo("Account/RegisterConfirmation", new() { ["email"] = Input.Email.Trim() });
    }

    private sealed class InputModel
    {
        [Required(ErrorMessage = "Enter your first name.")]
        [StringLength(100, ErrorMessage = "Keep the first name under 100 characters.")]
        public string FirstName { get; set; } = "";

        [Required(ErrorMessage = "Enter your last name.")]
        [StringLength(100, ErrorMessage = "Keep the last name under 100 characters.")]
        public string LastName { get; set; } = "";

        [Required(ErrorMessage = EmailAddresses.MissingMessage)]
        [EmailAddress(ErrorMessage = EmailAddresses.InvalidMessage)]
        [StringLength(256, ErrorMessage = "Keep the e-mail address under 256 characters.")]
        public string Email { get; set; } = "";

        /// <summary>"passkey" (no password: a passkey is added after the address is confirmed) or "password".</summary>
        public string SignInWith { get; set; } = PasswordChoice;

        [PasswordUnlessPasskey]
        public string? Password { get; set; }

        [Compare("Password", ErrorMessage = "The two passwords do not match.")]
        public string? ConfirmPassword { get; set; }

        [StringLength(ReferralCodes.MaxLength, ErrorMessage = "A referral code has at most {1} characters.")]
        public string? ReferralCode { get; set; }

        public string? PrefilledCode { get; set; }

        public string? PrefilledFrom { get; set; }
    }

    /// <summary>The password rules, checked with the other fields, when the person chose a password (Identity's validators run on save).</summary>
    [AttributeUsage(AttributeTargets.Property)]
    private sealed class PasswordUnlessPasskeyAttribute : ValidationAttribute
    {
        protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
        {
            if (validationContext.ObjectInstance is InputModel { SignInWith: PasskeyChoice })
            {
                return ValidationResult.Success;
            }

            var password = value as string;
            var members = new[] { validationContext.MemberName ?? nameof(InputModel.Password) };
            return string.IsNullOrEmpty(password) ? new ValidationResult("Choose a password, or choose to sign in with a passkey.", members)
                : password.Length is < IdentityConfiguration.MinimumPasswordLength or > 128
                    ? new ValidationResult($"The password must be at least {IdentityConfiguration.MinimumPasswordLength} and at most 128 characters long.", members)
                : ValidationResult.Success;
        }
    }
}
