using System.Diagnostics;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Data;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Messaging;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Referrals;
using TaxGenius.Core.Security;
using TaxGenius.Core.Signatures;
using TaxGenius.Core.Storage;

namespace TaxGenius.Core.Demo;

/// <summary>What the demo firm seed wrote and how long it took.</summary>
public sealed record DemoFirmSummary(int Clients, int Staff, int Referrers, int Engagements, int Documents, int Referrals, int Messages,
    int SignatureRequests, int AuditEntries, TimeSpan Elapsed);

/// <summary>
/// A small firm that looks alive, for the embedded default: ~60 clients with profiles, 3 preparers and an admin, 4 referrers, two tax
/// years of engagements at every stage of the board, ~400 documents in every status (real PDFs and PNGs with sample W-2, 1099, 1098 and
/// 1040 content, encrypted like uploads), referrals in every state with a paid payout, conversations, e-signature requests and a month
/// of audit history. Deterministic: one seed gives the same firm (names, numbers, files, stages) relative to the day it is seeded.
/// Never in Production (the caller, <see cref="DatabaseInitializer"/>, seeds demo data only outside it; this class refuses too).
/// No real SSNs: every one is in the 900–999 area, which the Social Security Administration never issues.
/// </summary>
public sealed class DemoFirmSeeder(
    IDbContextFactory<TaxGeniusDbContext> dbFactory,
    UserManager<ApplicationUser> userManager,
    EncryptedFileStore store,
    SsnProtector ssnProtector,
    MessageProtector messageProtector,
    SignatureService signatures,
    IHostEnvironment environment,
    TimeProvider timeProvider,
    ILogger<DemoFirmSeeder> logger)
{
    public const int DefaultSeed = 1040;
    public const int DefaultClients = 58;

    /// <summary>Seeds the firm around the existing demo accounts (which must exist). Runs once: a second call finds it and returns null.</summary>
    public async Task<DemoFirmSummary?> SeedAsync(int seed = DefaultSeed, int clients = DefaultClients, CancellationToken cancellationToken = default)
    {
        if (environment.IsProduction())
        {
            throw new InvalidOperationException("The demo firm is never seeded in Production.");
        }

        var watch = Stopwatch.StartNew();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Checked before planning: every later start comes here, and the plan renders ~380 files.
        var marker = DemoFirmPlan.MarkerEmail.ToUpperInvariant();
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == marker, cancellationToken))
        {
            return null;
        }

        var plan = DemoFirmPlan.Create(seed, clients, TaxYears.Current(timeProvider), timeProvider.GetUtcNow().UtcDateTime);
        var (accounts, roles, unusableHash) = await LoadBasisAsync(db, cancellationToken);
        var userIds = new Dictionary<string, Guid>(accounts);
        AddPeople(db, plan, roles, unusableHash, userIds);
        Guid Id(string email) => userIds[email];

        // The files first (in parallel: each is fsynced), then every row in one transaction.
        var stored = new StoredFile[plan.Documents.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, plan.Documents.Count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                using var content = new MemoryStream(plan.Documents[i].Content());
                stored[i] = await store.WriteAsync(content, long.MaxValue, cancellationToken: ct);
            });

        try
        {
            AddRows(db, plan, i => stored[i], Id, accounts, recognize: true);
            await AddReferralProgramAsync(db, plan, Id, cancellationToken);

            await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
            {
                await db.SaveChangesAsync(cancellationToken);
                // Saving stamps "now" on every row; a demo wants a history: sign-ups, uploads and engagements dated when the plan says.
                foreach (var group in plan.People.GroupBy(p => p.JoinedAt))
                {
                    var ids = group.Select(p => p.Id).ToList();
                    await db.Users.Where(u => ids.Contains(u.Id)).ExecuteUpdateAsync(s => s.SetProperty(u => u.CreatedAt, group.Key), cancellationToken);
                }

                foreach (var group in plan.Documents.GroupBy(d => d.UploadedAt))
                {
                    var ids = group.Select(d => d.Id).ToList();
                    await db.Documents.Where(d => ids.Contains(d.Id))
                        .ExecuteUpdateAsync(s => s.SetProperty(d => d.CreatedAt, group.Key).SetProperty(d => d.UpdatedAt, group.Key), cancellationToken);
                }

                foreach (var group in plan.Engagements.GroupBy(e => e.OpenedAt))
                {
                    var ids = group.Select(e => e.Id).ToList();
                    await db.Engagements.Where(e => ids.Contains(e.Id)).ExecuteUpdateAsync(s => s.SetProperty(e => e.CreatedAt, group.Key), cancellationToken);
                }

                foreach (var group in plan.Referrals.GroupBy(r => r.ReferredAt))
                {
                    var ids = group.Select(r => r.Id).ToList();
                    await db.Referrals.Where(r => ids.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.CreatedAt, group.Key), cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch
        {
            // Nothing half-written: the rows rolled back with the transaction, the files go too.
            foreach (var file in stored.Where(f => f is not null))
            {
                await store.TryDeleteAsync(file.StorageKey);
            }

            throw;
        }

        // Form 8879s out for signature on the returns waiting for one: through the real service (PDF stored, fields placed, e-mail queued).
        var signatureCount = 0;
        foreach (var engagement in plan.Engagements.Where(e => e.Stage == EngagementStage.AwaitingSignature))
        {
            var preparerEmail = engagement.PreparerEmail ?? DemoAccounts.Preparer;
            var actor = new AuditActor(Id(preparerEmail), preparerEmail, null);
            var client = plan.People.Single(p => p.Email == engagement.ClientEmail);
            using var pdf = new MemoryStream(SampleForms.Form8879(engagement.TaxYear, $"{client.FirstName} {client.LastName}"));
            var draft = await signatures.CreateDraftAsync(actor, engagement.Id,
                new SignatureDraftInput(SignatureDocumentKind.Form8879, $"Form 8879 for {engagement.TaxYear}", "form-8879.pdf",
                    "Please review and sign your e-file authorization.", 14,
                    "The ZIP code on your return", client.Zip, null, null), pdf, cancellationToken);
            var sent = draft is { Succeeded: true, Id: { } requestId } ? await signatures.SendAsync(actor, requestId, cancellationToken) : draft;
            if (sent.Succeeded)
            {
                signatureCount++;
            }
            else
            {
                DataLog.DemoSignatureSkipped(logger, sent.Error);
            }
        }

        var summary = new DemoFirmSummary(plan.People.Count(p => p.Role == Roles.Client), plan.People.Count(p => p.Role == Roles.Preparer),
            plan.People.Count(p => p.Role == Roles.Referrer), plan.Engagements.Count, plan.Documents.Count, plan.Referrals.Count,
            plan.Conversations.Sum(c => c.Messages.Count), signatureCount, plan.Audit.Count, watch.Elapsed);
        DataLog.DemoFirmSeeded(logger, summary.Clients, summary.Documents, summary.Engagements, (long)summary.Elapsed.TotalMilliseconds);
        return summary;
    }
    /// <summary>
    /// A large firm for benchmarks (<c>-- seed-benchmark --clients 100000</c>): the demo firm's pattern repeated in slices of
    /// <paramref name="slice"/> clients, each saved on its own. No signature requests, and rows keep the time they were written (no
    /// back-dating, which costs a statement per
    /// distinct time). Rows only: documents carry a sample's size and hash under a storage key of their own with no file behind it
    /// (a unique key per row is a rule of the schema; 600,000 encrypted, fsynced files would take longer than the rest), so opening
    /// one says the file is missing. Needs the demo accounts; never in Production.
    /// </summary>
    public async Task<DemoFirmSummary> SeedBenchmarkAsync(int clients, int seed = DefaultSeed, int slice = 1000, Action<int>? progress = null,
        CancellationToken cancellationToken = default)
    {
        if (environment.IsProduction())
        {
            throw new InvalidOperationException("The benchmark firm is never seeded in Production.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        var watch = Stopwatch.StartNew();
        var taxYear = TaxYears.Current(timeProvider);
        var now = timeProvider.GetUtcNow().UtcDateTime;
        Dictionary<string, Guid> accounts;
        Dictionary<string, Guid> roles;
        string unusableHash;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            (accounts, roles, unusableHash) = await LoadBasisAsync(db, cancellationToken);
        }

        if (accounts.Count != DemoAccounts.All.Count)
        {
            throw new InvalidOperationException("Seed the demo accounts first (Demo:Enabled=true): the benchmark firm is built around them.");
        }

        // What each document row says about its file: the size and hash of a real sample of its type.
        var samples = new Dictionary<DocumentType, StoredFile>();
        foreach (var (type, content) in new (DocumentType, byte[])[]
        {
            (DocumentType.W2, SampleTaxForms.W2(taxYear, "Sample Client", "1 Sample St, Austin, TX 78701", "XXX-XX-0000", "Acme Corp",
                "100 Industrial Pkwy, Columbus, OH 43215", "31-1234567", 50_000m, 5_500m, "TX", 0m)),
            (DocumentType.Form1099, SampleTaxForms.Form1099("INT", taxYear, "First Bank", "1 Main St, Columbus, OH 43215", "31-9876543", "Sample Client",
                "1 Sample St, Austin, TX 78701", "XXX-XX-0000", 120m, 0m, 0m)),
            (DocumentType.TaxReturn, SampleTaxForms.Form1040(taxYear - 1, "Sample Client", "1 Sample St, Austin, TX 78701", "Single", 48_000m, 120m, 4_000m, 5_300m)),
            (DocumentType.Id, SampleTaxForms.PhotoId("TX", "Sample", "Client", "1 Sample St, Austin", "01/01/1990", "D0000000", "01/2030", 1)),
            (DocumentType.Other, SampleTaxForms.Form1098(taxYear, "Harbor Savings Home Loans", "Sample Client", 8_000m, 250_000m)),
        })
        {
            samples[type] = new StoredFile("", content.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)));
        }

        var userIds = new Dictionary<string, Guid>(accounts);
        int people = 0, engagements = 0, documents = 0, referrals = 0, messages = 0, audit = 0;
        for (var first = 0; first < clients; first += slice)
        {
            var plan = DemoFirmPlan.Create(seed + first, Math.Min(slice, clients - first), taxYear, now, first, withContent: false);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            AddPeople(db, plan, roles, unusableHash, userIds);
            // Each row needs its own storage key (unique): the rows carry the sample's size and hash, the file is not written.
            AddRows(db, plan, i => samples[plan.Documents[i].Type] with { StorageKey = EncryptedFileStore.NewStorageKey() }, email => userIds[email], accounts,
                recognize: false);
            await db.SaveChangesAsync(cancellationToken);
            foreach (var person in plan.People.Where(p => p.Role == Roles.Client))
            {
                userIds.Remove(person.Email);
            }

            people += plan.People.Count(p => p.Role == Roles.Client);
            engagements += plan.Engagements.Count;
            documents += plan.Documents.Count;
            referrals += plan.Referrals.Count;
            messages += plan.Conversations.Sum(c => c.Messages.Count);
            audit += plan.Audit.Count;
            progress?.Invoke(people);
        }

        return new DemoFirmSummary(people, 2, 3, engagements, documents, referrals, messages, 0, audit, watch.Elapsed);
    }

    /// <summary>
    /// The demo accounts' ids by e-mail, the roles' ids by name, and the one password hash everyone the plan adds shares (computed once:
    /// hashing is deliberately slow) of a password nobody knows: they cannot sign in; the demo accounts can.
    /// </summary>
    private async Task<(Dictionary<string, Guid> Accounts, Dictionary<string, Guid> Roles, string PasswordHash)> LoadBasisAsync(
        TaxGeniusDbContext db, CancellationToken cancellationToken)
    {
        var accounts = await db.Users.AsNoTracking().Where(u => DemoAccounts.All.Select(a => a.Email).Contains(u.Email!))
            .ToDictionaryAsync(u => u.Email!, u => u.Id, cancellationToken);
        var roles = await db.Roles.AsNoTracking().ToDictionaryAsync(r => r.Name!, r => r.Id, cancellationToken);
        var hash = userManager.PasswordHasher.HashPassword(new ApplicationUser(), Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        return (accounts, roles, hash);
    }

    private void AddPeople(TaxGeniusDbContext db, DemoFirmPlan plan, IReadOnlyDictionary<string, Guid> roles, string passwordHash,
        Dictionary<string, Guid> userIds)
    {
        foreach (var person in plan.People)
        {
            var user = new ApplicationUser
            {
                Id = person.Id, UserName = person.Email, NormalizedUserName = person.Email.ToUpperInvariant(), Email = person.Email,
                NormalizedEmail = person.Email.ToUpperInvariant(), EmailConfirmed = true, PasswordHash = passwordHash,
                SecurityStamp = person.Id.ToString("N"), ConcurrencyStamp = person.Id.ToString("N"),
            };
            if (person.Ssn is { } ssn)
            {
                user.SsnEncrypted = ssnProtector.ProtectSampleNumber(person.Id, ssn);
            }

            db.Users.Add(user);
            db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = person.Id, RoleId = roles[person.Role] });
            db.Profiles.Add(new Profile
            {
                UserId = person.Id, FirstName = person.FirstName, LastName = person.LastName, Phone = person.Phone, Street = person.Street,
                City = person.City, State = person.State, Zip = person.Zip,
            });
            userIds[person.Email] = person.Id;
        }
    }

    /// <summary>
    /// The history of a document <paramref name="reviewer"/> claimed at <paramref name="claimedAt"/> (PENDING → PROCESSING) and, unless
    /// it is still PROCESSING, moved to <paramref name="status"/> at <paramref name="reviewedAt"/>: what the queue's workflow records.
    /// </summary>
    internal static void AddReview(TaxGeniusDbContext db, Guid documentId, DocumentStatus status, Guid reviewer, DateTime claimedAt, DateTime reviewedAt,
        string? reason = null)
    {
        db.DocumentStatusChanges.Add(new DocumentStatusChange
        {
            DocumentId = documentId, FromStatus = DocumentStatus.Pending, ToStatus = DocumentStatus.Processing, ActorId = reviewer, At = claimedAt,
        });
        if (status != DocumentStatus.Processing)
        {
            db.DocumentStatusChanges.Add(new DocumentStatusChange
            {
                DocumentId = documentId, FromStatus = DocumentStatus.Processing, ToStatus = status, ActorId = reviewer, Reason = reason, At = reviewedAt,
            });
        }
    }

    /// <summary>
    /// When a preparer claimed the document and when they finished it: a photo ID is a glance, a prior-year return a read, so the
    /// admin's turnaround by type differs as in a real season. Spread by the document's id (the plan's random sequence, and so the
    /// rest of the firm, stays as it is) and never later than the plan's "now": a document uploaded this morning was done within it.
    /// </summary>
    internal static (DateTime Claimed, DateTime Reviewed) ReviewTimes(PlannedDocument document, DateTime now)
    {
        var spread = 0.5 + (document.Id.ToByteArray()[0] / 255.0);
        var (claim, work) = document.Type switch
        {
            DocumentType.Id => (3.0, 1.0),
            DocumentType.W2 => (9.0, 5.0),
            DocumentType.Form1099 => (14.0, 8.0),
            DocumentType.TaxReturn => (30.0, 20.0),
            _ => (18.0, 12.0),
        };
        var claimed = TimeSpan.FromHours(claim * spread);
        var reviewed = claimed + TimeSpan.FromHours(work * spread);
        var since = now - document.UploadedAt;
        if (reviewed > since)
        {
            // Squeezed into the time there was, in the same proportions.
            var squeeze = Math.Max(0, since.Ticks) * 0.9 / reviewed.Ticks;
            (claimed, reviewed) = (claimed * squeeze, reviewed * squeeze);
        }

        return (document.UploadedAt + claimed, document.UploadedAt + reviewed);
    }

    /// <summary>
    /// The referrers' own rates (so the admin's table shows the rate their commissions were earned at) and their link visits, on each
    /// referrer's code (made here when the referrer has none yet, as their first visit would).
    /// </summary>
    private static async Task AddReferralProgramAsync(TaxGeniusDbContext db, DemoFirmPlan plan, Func<string, Guid> idOf, CancellationToken cancellationToken)
    {
        foreach (var (email, amount) in plan.CommissionRates)
        {
            var referrerId = idOf(email);
            if (!await db.ReferrerCommissionRates.AnyAsync(r => r.ReferrerId == referrerId, cancellationToken))
            {
                db.ReferrerCommissionRates.Add(new ReferrerCommissionRate { ReferrerId = referrerId, Amount = amount });
            }
        }

        var referrerIds = plan.Clicks.Select(c => idOf(c.ReferrerEmail)).Distinct().ToList();
        var existing = await db.ReferralCodes.AsNoTracking().Where(c => referrerIds.Contains(c.ReferrerId))
            .Select(c => new { c.ReferrerId, c.Id }).ToListAsync(cancellationToken);
        var codes = existing.GroupBy(c => c.ReferrerId).ToDictionary(g => g.Key, g => g.First().Id);
        foreach (var referrerId in referrerIds.Where(id => !codes.ContainsKey(id)))
        {
            var code = new ReferralCode { Code = ReferralCodes.NewRandom(), ReferrerId = referrerId };
            db.ReferralCodes.Add(code); // the id is generated here, on Add
            codes[referrerId] = code.Id;
        }

        foreach (var click in plan.Clicks)
        {
            var referrerId = idOf(click.ReferrerEmail);
            db.ReferralClicks.Add(new ReferralClick { ReferralCodeId = codes[referrerId], ReferrerId = referrerId, At = click.At });
        }
    }

    /// <summary>
    /// Adds the plan's rows to <paramref name="db"/> (not saved); <paramref name="file"/> gives the stored file of the plan's n-th
    /// document. With <paramref name="recognize"/>, each document is queued for recognition, which reads it once the app runs (the
    /// firm's review pages then show the boxes, and "Needs a check" the W-2 of the wrong year).
    /// </summary>
    private void AddRows(TaxGeniusDbContext db, DemoFirmPlan plan, Func<int, StoredFile> file, Func<string, Guid> idOf,
        IReadOnlyDictionary<string, Guid> accounts, bool recognize)
    {
        foreach (var engagement in plan.Engagements)
        {
            db.Engagements.Add(new Engagement
            {
                Id = engagement.Id, ClientId = idOf(engagement.ClientEmail), TaxYear = engagement.TaxYear, Stage = engagement.Stage,
                StageBeforeHold = engagement.StageBeforeHold, HoldReason = engagement.HoldReason, StageChangedAt = engagement.StageChangedAt,
                PreparerId = engagement.PreparerEmail is null ? null : idOf(engagement.PreparerEmail),
                ReviewerId = engagement.ReviewerEmail is null ? null : idOf(engagement.ReviewerEmail),
                DueDate = EngagementStages.DefaultDueDate(engagement.TaxYear), ExtendedDueDate = engagement.ExtendedDueDate,
                Priority = engagement.Priority, RequestedAt = engagement.RequestedAt,
            });
            var previous = EngagementStage.NotStarted;
            foreach (var (stage, at) in engagement.History)
            {
                db.EngagementStageChanges.Add(new EngagementStageChange
                {
                    EngagementId = engagement.Id, From = previous, To = stage, At = at,
                    ActorId = engagement.PreparerEmail is null ? accounts[DemoAccounts.Preparer] : idOf(engagement.PreparerEmail),
                    ActorEmail = engagement.PreparerEmail ?? DemoAccounts.Preparer,
                    Reason = stage == EngagementStage.OnHold ? engagement.HoldReason : null,
                });
                previous = stage;
            }
        }

        for (var i = 0; i < plan.Documents.Count; i++)
        {
            var document = plan.Documents[i];
            var (claimedAt, reviewedAt) = ReviewTimes(document, plan.Now);
            db.Documents.Add(new Document
            {
                Id = document.Id, UserId = idOf(document.ClientEmail), Type = document.Type, FileName = document.FileName,
                ContentType = document.ContentType, FileSize = file(i).Size, Sha256 = file(i).Sha256, StorageKey = file(i).StorageKey,
                Status = document.Status, TaxYear = document.TaxYear, RejectionReason = document.RejectionReason,
                AssignedToId = document.AssignedToEmail is null ? null : idOf(document.AssignedToEmail),
                AssignedAt = document.AssignedToEmail is null ? null : claimedAt,
            });
            if (recognize)
            {
                db.DocumentRecognitions.Add(new Recognition.DocumentRecognition { DocumentId = document.Id });
            }

            db.DocumentStatusChanges.Add(new DocumentStatusChange { DocumentId = document.Id, ToStatus = DocumentStatus.Pending, ActorId = idOf(document.ClientEmail), At = document.UploadedAt });
            if (document.Status != DocumentStatus.Pending)
            {
                AddReview(db, document.Id, document.Status, idOf(document.AssignedToEmail ?? DemoAccounts.Preparer), claimedAt, reviewedAt,
                    document.RejectionReason);
            }
        }

        foreach (var item in plan.RequestItems)
        {
            db.RequestItems.Add(new RequestItem
            {
                EngagementId = item.EngagementId, Kind = item.Kind, Description = item.Description, SortOrder = item.SortOrder,
                Required = item.Required, Status = item.Status, DocumentId = item.DocumentId, ResolvedAt = item.ResolvedAt,
                Reason = item.Status == RequestItemStatus.NotApplicable ? "Not this year" : null, Origin = Origins.Template,
            });
        }

        var payoutId = plan.PayoutId;
        db.Payouts.Add(new Payout
        {
            Id = payoutId, PaidOn = DateOnly.FromDateTime(plan.Now.AddDays(-30)), Reference = "ACH 2026-0412 (demo)",
            Total = plan.Referrals.Where(r => r.Status == ReferralStatus.Paid).Sum(r => r.Commission),
            ReferralCount = plan.Referrals.Count(r => r.Status == ReferralStatus.Paid), CreatedById = accounts[DemoAccounts.Admin],
        });
        var planned = plan.People.ToDictionary(p => p.Email, p => p.Id);
        foreach (var referral in plan.Referrals)
        {
            db.Referrals.Add(new Referral
            {
                Id = referral.Id, ReferrerId = idOf(referral.ReferrerEmail), ClientEmail = referral.ClientEmail,
                ClientUserId = planned.TryGetValue(referral.ClientEmail, out var clientId) ? clientId : null, Status = referral.Status,
                Source = referral.Source, Commission = referral.Commission, SignedUpAt = referral.SignedUpAt, ConvertedAt = referral.ConvertedAt,
                PaidAt = referral.Status == ReferralStatus.Paid ? plan.Now.AddDays(-30) : null,
                PayoutId = referral.Status == ReferralStatus.Paid ? payoutId : null,
            });
        }

        foreach (var conversation in plan.Conversations)
        {
            var clientId = idOf(conversation.ClientEmail);
            var last = conversation.Messages[^1];
            db.Conversations.Add(new Conversation
            {
                Id = conversation.Id, ClientId = clientId, LastMessageAt = last.SentAt,
                StaffUnread = !last.FromStaff && last.ReadAt is null,
                ClientUnread = conversation.Messages.Count(m => m.FromStaff && m.ReadAt is null),
                LastStaffMessageAt = conversation.Messages.LastOrDefault(m => m.FromStaff)?.SentAt,
                LastClientMessageAt = conversation.Messages.LastOrDefault(m => !m.FromStaff)?.SentAt,
            });
            foreach (var message in conversation.Messages)
            {
                db.Messages.Add(new Message
                {
                    Id = message.Id, ConversationId = conversation.Id, SenderId = message.FromStaff ? idOf(message.SenderEmail) : clientId,
                    FromStaff = message.FromStaff, Kind = MessageKind.Message, SentAt = message.SentAt, ReadAt = message.ReadAt,
                    Body = messageProtector.Protect(conversation.Id, message.Id, message.Body),
                });
            }
        }

        foreach (var entry in plan.Audit)
        {
            db.AuditEntries.Add(new AuditEntry
            {
                At = entry.At, ActorId = idOf(entry.ActorEmail), ActorEmail = entry.ActorEmail, Action = entry.Action,
                SubjectType = entry.SubjectType, SubjectId = entry.SubjectId, SubjectUserId = entry.SubjectUserEmail is null ? null : idOf(entry.SubjectUserEmail),
                Detail = entry.Detail, IpAddress = entry.IpAddress, UserAgent = "Mozilla/5.0 (demo)",
            });
        }
    }
}
