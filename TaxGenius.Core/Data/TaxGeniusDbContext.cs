using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Email;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Profiles;
using TaxGenius.Core.Referrals;

namespace TaxGenius.Core.Data;

/// <summary>
/// The one model. Each provider has a sealed subclass (<see cref="PostgresTaxGeniusDbContext"/>,
/// <see cref="SqliteTaxGeniusDbContext"/>) only so that each keeps its own migrations; code uses this type.
/// </summary>
public abstract class TaxGeniusDbContext(DbContextOptions options)
    : IdentityDbContext<ApplicationUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Profile> Profiles => Set<Profile>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<Referral> Referrals => Set<Referral>();
    public DbSet<ReferralCode> ReferralCodes => Set<ReferralCode>();
    public DbSet<ReferralClick> ReferralClicks => Set<ReferralClick>();
    public DbSet<ReferrerCommissionRate> ReferrerCommissionRates => Set<ReferrerCommissionRate>();
    public DbSet<Payout> Payouts => Set<Payout>();
    public DbSet<QueuedEmail> QueuedEmails => Set<QueuedEmail>();
    public DbSet<DocumentStatusChange> DocumentStatusChanges => Set<DocumentStatusChange>();
    public DbSet<DocumentNote> DocumentNotes => Set<DocumentNote>();
    public DbSet<Audit.AuditEntry> AuditEntries => Set<Audit.AuditEntry>();
    public DbSet<Audit.AuditChainLink> AuditChainLinks => Set<Audit.AuditChainLink>();
    public DbSet<Compliance.Consents.ClientConsent> ClientConsents => Set<Compliance.Consents.ClientConsent>();
    public DbSet<Compliance.Retention.Disposal> Disposals => Set<Compliance.Retention.Disposal>();
    public DbSet<Compliance.Retention.LegalHold> LegalHolds => Set<Compliance.Retention.LegalHold>();
    public DbSet<Users.StaffInvitation> StaffInvitations => Set<Users.StaffInvitation>();
    public DbSet<Sessions.UserSession> UserSessions => Set<Sessions.UserSession>();
    public DbSet<ApiTokens.ApiToken> ApiTokens => Set<ApiTokens.ApiToken>();
    public DbSet<Settings.FirmSettings> FirmSettings => Set<Settings.FirmSettings>();
    public DbSet<Engagements.Engagement> Engagements => Set<Engagements.Engagement>();
    public DbSet<Engagements.EngagementStageChange> EngagementStageChanges => Set<Engagements.EngagementStageChange>();
    public DbSet<Engagements.RequestItem> RequestItems => Set<Engagements.RequestItem>();
    public DbSet<Engagements.EngagementReminder> EngagementReminders => Set<Engagements.EngagementReminder>();
    public DbSet<Engagements.RequestTemplateItem> RequestTemplateItems => Set<Engagements.RequestTemplateItem>();
    public DbSet<Engagements.OrganizerAnswers> OrganizerAnswers => Set<Engagements.OrganizerAnswers>();
    public DbSet<Messaging.Conversation> Conversations => Set<Messaging.Conversation>();
    public DbSet<Messaging.Message> Messages => Set<Messaging.Message>();
    public DbSet<Signatures.SignatureRequest> SignatureRequests => Set<Signatures.SignatureRequest>();
    public DbSet<Signatures.SignatureSigner> SignatureSigners => Set<Signatures.SignatureSigner>();
    public DbSet<Signatures.SignatureField> SignatureFields => Set<Signatures.SignatureField>();
    public DbSet<Identity.SignInCodes.SignInCode> SignInCodes => Set<Identity.SignInCodes.SignInCode>();
    public DbSet<Recognition.DocumentRecognition> DocumentRecognitions => Set<Recognition.DocumentRecognition>();

    /// <summary>The ASP.NET Core Data Protection key ring: durable, shared by every instance (cookies survive restarts).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(TaxGeniusDbContext).Assembly);
        MapPasskeys(builder);

        if (Database.IsSqlite())
        {
            ApplySqliteConventions(builder);
            builder.Entity<Document>().Property(d => d.Version).IsConcurrencyToken();
            builder.Entity<Engagements.Engagement>().Property(e => e.Version).IsConcurrencyToken();
        }
        else
        {
            // Npgsql maps a uint row version to PostgreSQL's xmin system column: no column of ours, bumped by every update.
            builder.Entity<Document>().Property(d => d.Version).IsRowVersion();
            builder.Entity<Engagements.Engagement>().Property(e => e.Version).IsRowVersion();
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BeforeSave();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BeforeSave();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>Audit rows are append-only; on SQLite a document's and an engagement's row version is bumped here (PostgreSQL's xmin bumps itself).</summary>
    private void BeforeSave()
    {
        foreach (var entry in ChangeTracker.Entries<Audit.AuditEntry>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException("Audit entries are append-only: they are never updated or deleted.");
            }
        }

        foreach (var entry in ChangeTracker.Entries<Audit.AuditChainLink>())
        {
            if (entry.State is EntityState.Modified or EntityState.Deleted)
            {
                throw new InvalidOperationException("The audit chain is append-only: its links are never updated or deleted.");
            }
        }

        if (Database.IsSqlite())
        {
            foreach (var entry in ChangeTracker.Entries<Document>().Where(e => e.State == EntityState.Modified))
            {
                entry.Entity.Version++;
            }

            foreach (var entry in ChangeTracker.Entries<Engagements.Engagement>().Where(e => e.State == EntityState.Modified))
            {
                entry.Entity.Version++;
            }
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime is UTC. PostgreSQL keeps the kind (timestamptz); SQLite stores ISO-8601 text that sorts
        // like the instant it encodes, and the converter below restores the kind on read.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    /// <summary>
    /// Identity's passkey table (ADR-015). Identity maps it only with schema version 3, which would also re-type columns this database has
    /// held since version 1; the same mapping is declared here instead (an explicit entity overrides Identity's Ignore), plus the
    /// last-used time Identity does not keep, as a shadow property (<see cref="Identity.Passkeys.PasskeyRegistry.LastUsedAt"/>).
    /// </summary>
    private static void MapPasskeys(ModelBuilder builder)
    {
        builder.Entity<ApplicationUser>().HasMany<IdentityUserPasskey<Guid>>().WithOne().HasForeignKey(p => p.UserId).IsRequired();
        builder.Entity<IdentityUserPasskey<Guid>>(b =>
        {
            b.HasKey(p => p.CredentialId);
            b.ToTable("AspNetUserPasskeys");
            b.Property(p => p.CredentialId).HasMaxLength(1024);
            b.OwnsOne(p => p.Data).ToJson();
            b.Property<DateTime?>(Identity.Passkeys.PasskeyRegistry.LastUsedAt);
            b.HasIndex(p => p.UserId);
        });
    }

    /// <summary>
    /// SQLite has no decimal type: EF would store text that compares as text. Money is stored as integer cents,
    /// so sums, ordering and comparisons are exact and numeric.
    /// </summary>
    private static void ApplySqliteConventions(ModelBuilder builder)
    {
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
        {
            if (property.ClrType == typeof(decimal))
            {
                property.SetValueConverter(new CentsConverter());
                property.SetColumnType("INTEGER");
            }
        }
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    internal sealed class CentsConverter() : ValueConverter<decimal, long>(
        v => (long)decimal.Round(v * 100m, 0, MidpointRounding.AwayFromZero),
        v => v / 100m);
}

/// <summary>The production store; migrations in Data/Migrations/Postgres.</summary>
public sealed class PostgresTaxGeniusDbContext(DbContextOptions<PostgresTaxGeniusDbContext> options) : TaxGeniusDbContext(options);

/// <summary>The embedded default; migrations in Data/Migrations/Sqlite.</summary>
public sealed class SqliteTaxGeniusDbContext(DbContextOptions<SqliteTaxGeniusDbContext> options) : TaxGeniusDbContext(options);
