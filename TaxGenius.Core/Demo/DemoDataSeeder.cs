using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Referrals;

namespace TaxGenius.Core.Demo;

/// <summary>Creates the demo accounts and a little data so that every role's pages have something to show.</summary>
public sealed class DemoDataSeeder(
    UserManager<ApplicationUser> userManager,
    IUserStore<ApplicationUser> userStore,
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    ClientDocumentService documents,
    Messaging.MessageService messages,
    Compliance.Consents.ConsentService consents,
    TimeProvider timeProvider,
    ILogger<DemoDataSeeder> logger)
{
    /// <summary>Creates what is missing; the demo staff (PREPARER, ADMIN) are enrolled with <paramref name="totpSecret"/> (Base32).</summary>
    public async Task SeedAsync(string password, string totpSecret, CancellationToken cancellationToken = default)
    {
        var created = new Dictionary<string, ApplicationUser>();
        foreach (var (email, role, first, last) in DemoAccounts.All)
        {
            var user = await userManager.FindByEmailAsync(email);
            if (user is null)
            {
                user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
                Check(await userManager.CreateAsync(user, password), email);
                Check(await userManager.AddToRoleAsync(user, role), email);
                created[email] = user;
            }
            else if (!await userManager.CheckPasswordAsync(user, password))
            {
                // The configured password changed: the demo accounts follow it.
                var token = await userManager.GeneratePasswordResetTokenAsync(user);
                Check(await userManager.ResetPasswordAsync(user, token, password), email);
            }

            // Every demo account has the demo authenticator: staff must, and the firm's default policy asks clients and referrers for
            // a second step too (which would otherwise be an e-mailed code, readable only by an administrator in the demo outbox).
            await EnrollAuthenticatorAsync(user, totpSecret);

            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            if (!await db.Profiles.AnyAsync(p => p.UserId == user.Id, cancellationToken))
            {
                db.Profiles.Add(new Profile { UserId = user.Id, FirstName = first, LastName = last });
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        if (created.ContainsKey(DemoAccounts.Client))
        {
            await SeedClientDocumentsAsync(created[DemoAccounts.Client], cancellationToken);
            await SeedConversationAsync(created[DemoAccounts.Client], cancellationToken);
        }

        if (created.ContainsKey(DemoAccounts.Referrer))
        {
            await SeedReferralsAsync(created[DemoAccounts.Referrer], cancellationToken);
        }

        DataLog.DemoSeeded(logger, created.Count);
    }

    /// <summary>
    /// A short conversation between the demo preparer and client, all of it read (so the first unread message a person sees is one
    /// they sent), and an internal note the client never sees. Dated along her documents: the welcome when the firm asked for them
    /// (six days ago), her answer just after her W-2 (two days ago). The service dates what it sends "now": all three read as sent at the seeding minute.
    /// </summary>
    private async Task SeedConversationAsync(ApplicationUser client, CancellationToken cancellationToken)
    {
        if (await userManager.FindByEmailAsync(DemoAccounts.Preparer) is not { } preparer)
        {
            return;
        }

        var staff = new Messaging.MessageViewer(new Audit.AuditActor(preparer.Id, preparer.Email, null), IsStaff: true);
        var casey = new Messaging.MessageViewer(new Audit.AuditActor(client.Id, client.Email, null), IsStaff: false);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var welcomedAt = now.AddDays(-6);
        var answeredAt = now.AddDays(-2).AddMinutes(5);
        var welcome = await messages.SendAsync(staff, client.Id, "Hi Casey, welcome to the portal! Upload your documents on **My documents**, " +
            "and write here if anything is unclear: messages stay in this secure portal, unlike e-mail.", cancellationToken: cancellationToken);
        await messages.MarkReadAsync(casey, client.Id, cancellationToken);
        var answer = await messages.SendAsync(casey, client.Id, "Thanks! My W-2 is up. I also have a 1099-INT from my bank: do you need it?",
            cancellationToken: cancellationToken);
        await messages.MarkReadAsync(staff, client.Id, cancellationToken);
        var note = await messages.SendAsync(staff, client.Id, "Casey answers quickly; prefers reminders in the morning.", Messaging.MessageKind.InternalNote,
            cancellationToken: cancellationToken);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var notedAt = answeredAt.AddHours(3).AddMinutes(2);
        await Backdate(welcome, welcomedAt, welcomedAt.AddHours(2));
        await Backdate(answer, answeredAt, answeredAt.AddHours(3));
        await Backdate(note, notedAt, null);
        await db.Conversations.Where(c => c.ClientId == client.Id).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.CreatedAt, welcomedAt).SetProperty(c => c.UpdatedAt, notedAt)
            .SetProperty(c => c.LastMessageAt, notedAt).SetProperty(c => c.LastStaffMessageAt, welcomedAt)
            .SetProperty(c => c.LastClientMessageAt, answeredAt), cancellationToken);

        Task Backdate(Messaging.MessageResult sent, DateTime sentAt, DateTime? readAt) =>
            db.Messages.Where(m => m.Id == sent.MessageId)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAt, sentAt).SetProperty(m => m.ReadAt, readAt), cancellationToken);
    }

    /// <summary>Staff must sign in with two factors: the demo staff use the configured key, so people can try them.</summary>
    private async Task EnrollAuthenticatorAsync(ApplicationUser user, string totpSecret)
    {
        var key = Totp.Normalize(totpSecret);
        if (user.TwoFactorEnabled && await userManager.GetAuthenticatorKeyAsync(user) == key)
        {
            return;
        }

        // The store Identity's own "reset authenticator key" writes to; SetTwoFactorEnabledAsync saves both.
        await ((IUserAuthenticatorKeyStore<ApplicationUser>)userStore).SetAuthenticatorKeyAsync(user, key, CancellationToken.None);
        Check(await userManager.SetTwoFactorEnabledAsync(user, true), user.Email!);
    }

    private async Task SeedClientDocumentsAsync(ApplicationUser client, CancellationToken cancellationToken)
    {
        // Real files through the real upload path (checked, encrypted, hashed), so every page that opens them works. They are sample
        // forms with boxes, like the demo firm's, so the preparer who opens Casey's W-2 sees a W-2 and the boxes recognition read.
        var year = TaxYears.Current(timeProvider);
        const string Casey = "Casey Client", Home = "12 Elm St, Springfield, IL 62704", NoSsn = "XXX-XX-XXXX";
        (DocumentType Type, string Name, DocumentStatus Status, int Year, int DaysAgo, byte[] Pdf)[] samples =
        [
            (DocumentType.W2, "w2-acme-corp.pdf", DocumentStatus.Pending, year, 2, SampleTaxForms.W2(year, Casey, Home, NoSsn, "Acme Corp",
                "100 Industrial Pkwy, Columbus, OH 43215", "31-1234567", 58_250m, 6_120m, "IL", 2_883.38m)),
            (DocumentType.Form1099, "1099-int-first-bank.pdf", DocumentStatus.Processing, year, 1, SampleTaxForms.Form1099("INT", year, "First Bank",
                "1 Main St, Columbus, OH 43215", "31-9876543", Casey, Home, NoSsn, 412.55m, 0m, 0m)),
            (DocumentType.TaxReturn, $"{year - 1}-return.pdf", DocumentStatus.Completed, year - 1, 3,
                SampleTaxForms.Form1040(year - 1, Casey, Home, "Single", 55_400m, 388.10m, 4_460m, 5_890m)),
        ];
        var uploaded = new Dictionary<DocumentType, Guid>();
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var preparer = await userManager.FindByEmailAsync(DemoAccounts.Preparer);
        foreach (var (type, name, status, taxYear, daysAgo, pdf) in samples)
        {
            using var content = new MemoryStream(pdf);
            var result = await documents.UploadAsync(client.Id, new UploadRequest(name, type, taxYear), content, content.Length, cancellationToken);
            if (result.Document is not { } document)
            {
                throw new InvalidOperationException($"Could not seed the demo document {name}: {result.Error}");
            }

            uploaded[type] = document.Id;

            // Uploaded over the last days, and reviewed the way the queue does it: the preparer who claimed a document is its assignee
            // and its history says who moved it (a PROCESSING document with nobody on it read as a fault in the queue).
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var uploadedAt = now.AddDays(-daysAgo);
            var changedAt = uploadedAt;
            if (status != DocumentStatus.Pending && preparer is not null)
            {
                var row = await db.Documents.SingleAsync(d => d.Id == document.Id, cancellationToken);
                var claimedAt = uploadedAt.AddHours(3);
                changedAt = status == DocumentStatus.Processing ? claimedAt : claimedAt.AddHours(1);
                row.Status = status;
                row.AssignedToId = preparer.Id;
                row.AssignedAt = claimedAt;
                DemoFirmSeeder.AddReview(db, row.Id, status, preparer.Id, claimedAt, changedAt);
                await db.SaveChangesAsync(cancellationToken);
            }

            // Last, because a save stamps UpdatedAt with "now": the client's "recent activity" dates each change by it.
            await db.Documents.Where(d => d.Id == document.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.CreatedAt, uploadedAt).SetProperty(d => d.UpdatedAt, changedAt), cancellationToken);
        }

        // Her returns (the uploads opened them): this season's waiting for documents, two of four items in and the photo ID still
        // missing; last year's done.
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var current = await db.Engagements.SingleAsync(e => e.ClientId == client.Id && e.TaxYear == year, cancellationToken);
            current.Stage = EngagementStage.DocumentsRequested;
            current.StageChangedAt = now.AddDays(-6);
            current.RequestedAt = now.AddDays(-6);
            current.PreparerId = preparer?.Id;
            var last = await db.Engagements.SingleAsync(e => e.ClientId == client.Id && e.TaxYear == year - 1, cancellationToken);
            last.Stage = EngagementStage.Done;
            last.StageChangedAt = now.AddDays(-200);
            last.PreparerId = preparer?.Id;
            db.EngagementStageChanges.AddRange(
                new EngagementStageChange
                {
                    EngagementId = current.Id, From = EngagementStage.NotStarted, To = EngagementStage.DocumentsRequested, ActorId = preparer?.Id,
                    ActorEmail = preparer?.Email, At = now.AddDays(-6),
                },
                new EngagementStageChange
                {
                    EngagementId = last.Id, From = EngagementStage.Filed, To = EngagementStage.Done, ActorId = preparer?.Id, ActorEmail = preparer?.Email,
                    At = now.AddDays(-200),
                });
            db.RequestItems.AddRange(
                new RequestItem { EngagementId = current.Id, Kind = RequestKind.PhotoId, Description = "Photo ID (driver's license or passport), front and back", SortOrder = 1, Origin = Origins.Template },
                new RequestItem
                {
                    EngagementId = current.Id, Kind = RequestKind.W2, Description = "W-2 from Acme Corp", SortOrder = 2, Origin = Origins.Rollover,
                    Status = RequestItemStatus.Fulfilled, DocumentId = uploaded[DocumentType.W2], ResolvedAt = now.AddDays(-2),
                },
                new RequestItem
                {
                    EngagementId = current.Id, Kind = RequestKind.Form1099Int, Description = "1099-INT from First Bank", SortOrder = 3, Origin = Origins.Rollover,
                    Status = RequestItemStatus.Fulfilled, DocumentId = uploaded[DocumentType.Form1099], ResolvedAt = now.AddDays(-1),
                },
                new RequestItem { EngagementId = current.Id, Kind = RequestKind.Other, Description = "Letters or notices from the IRS or your state", Required = false, SortOrder = 4, Origin = Origins.Template });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private async Task SeedReferralsAsync(ApplicationUser referrer, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // An open invitation, a conversion the client agreed to share and a paid one they did not (shown as "Not shared"). Morgan, who
        // agreed, has a client account (no password: a passkey-less e-mailed-code sign-in at most) and a signed referral-disclosure consent.
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var morgan = await userManager.FindByEmailAsync(DemoMorganEmail);
        if (morgan is null)
        {
            morgan = new ApplicationUser { UserName = DemoMorganEmail, Email = DemoMorganEmail, EmailConfirmed = true };
            Check(await userManager.CreateAsync(morgan), DemoMorganEmail);
            Check(await userManager.AddToRoleAsync(morgan, Roles.Client), DemoMorganEmail);
            db.Profiles.Add(new Profile { UserId = morgan.Id, FirstName = "Morgan", LastName = "Lee" });
        }

        db.Referrals.AddRange(
            new Referral { ReferrerId = referrer.Id, ClientEmail = "jordan@example.test", Status = ReferralStatus.Pending, Source = ReferralSource.Invitation },
            new Referral
            {
                ReferrerId = referrer.Id, ClientEmail = morgan.Email!, ClientUserId = morgan.Id, Status = ReferralStatus.Converted, Commission = 50.00m,
                Source = ReferralSource.Link, SignedUpAt = now.AddDays(-45), ConvertedAt = now.AddDays(-20),
            },
            new Referral
            {
                ReferrerId = referrer.Id, ClientEmail = "taylor@example.test", Status = ReferralStatus.Paid, Commission = 50.00m, Source = ReferralSource.Code,
                SignedUpAt = now.AddDays(-120), ConvertedAt = now.AddDays(-95), PaidAt = now.AddDays(-60),
            });
        await db.SaveChangesAsync(cancellationToken);

        if (await consents.OfferAsync(morgan.Id, cancellationToken) is { } offer)
        {
            await consents.GrantAsync(morgan.Id, "Morgan Lee", offer.TextHash, new Audit.AuditActor(morgan.Id, morgan.Email, null), cancellationToken);
        }

        // Referred a few days before signing up (the save stamps "now"; a demo wants a believable history).
        foreach (var referral in db.Referrals.Local.Where(r => r.SignedUpAt is not null).ToList())
        {
            var referredAt = referral.SignedUpAt!.Value.AddDays(-3);
            await db.Referrals.Where(r => r.Id == referral.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, referredAt), cancellationToken);
        }
    }

    private const string DemoMorganEmail = "morgan@example.test";

    private static void Check(IdentityResult result, string email)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(
                $"Could not seed the demo account {email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    /// <summary>A random demo password: 4 groups of 4 lower-case letters and digits without look-alikes (19 characters).</summary>
    public static string GeneratePassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        var groups = Enumerable.Range(0, 4).Select(_ =>
            new string(Enumerable.Range(0, 4).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray()));
        return string.Join('-', groups);
    }
}
