using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Data.Configurations;

internal sealed class DocumentStatusChangeConfiguration : IEntityTypeConfiguration<DocumentStatusChange>
{
    public void Configure(EntityTypeBuilder<DocumentStatusChange> builder)
    {
        builder.ToTable("DocumentStatusChanges");
        builder.Property(c => c.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(c => c.FromStatus).HasConversion(new SeedEnumConverter<DocumentStatus>()).HasMaxLength(20);
        builder.Property(c => c.ToStatus).HasConversion(new SeedEnumConverter<DocumentStatus>()).HasMaxLength(20);
        builder.Property(c => c.Reason).HasMaxLength(DocumentStatusService.MaxReasonLength);
        builder.HasOne<Document>().WithMany().HasForeignKey(c => c.DocumentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(c => c.Actor).WithMany().HasForeignKey(c => c.ActorId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(c => new { c.DocumentId, c.At });
    }
}

internal sealed class DocumentNoteConfiguration : IEntityTypeConfiguration<DocumentNote>
{
    public void Configure(EntityTypeBuilder<DocumentNote> builder)
    {
        builder.ToTable("DocumentNotes");
        builder.Property(n => n.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(n => n.Text).HasMaxLength(DocumentNote.MaxLength).IsRequired();
        builder.HasOne<Document>().WithMany().HasForeignKey(n => n.DocumentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(n => n.Author).WithMany().HasForeignKey(n => n.AuthorId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(n => new { n.DocumentId, n.CreatedAt });
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.Property(a => a.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(a => a.Action).HasMaxLength(50).IsRequired();
        builder.Property(a => a.ActorEmail).HasMaxLength(256);
        builder.Property(a => a.SubjectType).HasMaxLength(50);
        builder.Property(a => a.Detail).HasMaxLength(AuditLog.MaxDetailLength);
        builder.Property(a => a.IpAddress).HasMaxLength(45);
        builder.Property(a => a.UserAgent).HasMaxLength(256);
        builder.HasIndex(a => new { a.At, a.Id });
        builder.HasIndex(a => new { a.ActorId, a.At });
        builder.HasIndex(a => new { a.SubjectId, a.At });
        builder.HasIndex(a => new { a.Action, a.At });
        builder.HasIndex(a => new { a.SubjectUserId, a.At });
        builder.HasIndex(a => new { a.ApiTokenId, a.At });
    }
}

internal sealed class ClientConsentConfiguration : IEntityTypeConfiguration<Compliance.Consents.ClientConsent>
{
    public void Configure(EntityTypeBuilder<Compliance.Consents.ClientConsent> builder)
    {
        builder.ToTable("ClientConsents");
        builder.Property(c => c.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(c => c.Kind).HasConversion<string>().HasMaxLength(40);
        builder.Property(c => c.Decision).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.TextVersion).HasMaxLength(60).IsRequired();
        builder.Property(c => c.Text).HasMaxLength(Compliance.Consents.ClientConsent.MaxTextLength).IsRequired();
        builder.Property(c => c.TextHash).HasMaxLength(64).IsRequired();
        builder.Property(c => c.SignedName).HasMaxLength(Compliance.Consents.ClientConsent.MaxSignedNameLength);
        builder.Property(c => c.IpAddress).HasMaxLength(45);
        builder.Property(c => c.UserAgent).HasMaxLength(256);
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.UserId, c.Kind, c.DecidedAt });
    }
}

internal sealed class DisposalConfiguration : IEntityTypeConfiguration<Compliance.Retention.Disposal>
{
    public void Configure(EntityTypeBuilder<Compliance.Retention.Disposal> builder)
    {
        builder.ToTable("Disposals");
        builder.Property(d => d.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(d => d.Reason).HasConversion<string>().HasMaxLength(30);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.DecidedByEmail).HasMaxLength(256);
        builder.Property(d => d.Note).HasMaxLength(Compliance.Retention.Disposal.MaxNoteLength);
        builder.Property(d => d.CertificateSha256).HasMaxLength(64);
        // No foreign key: the tombstone outlives the account.
        builder.HasIndex(d => new { d.ClientId, d.Status });
        builder.HasIndex(d => new { d.Status, d.ProposedAt });
    }
}

internal sealed class LegalHoldConfiguration : IEntityTypeConfiguration<Compliance.Retention.LegalHold>
{
    public void Configure(EntityTypeBuilder<Compliance.Retention.LegalHold> builder)
    {
        builder.ToTable("LegalHolds");
        builder.Property(h => h.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(h => h.Reason).HasMaxLength(Compliance.Retention.LegalHold.MaxReasonLength).IsRequired();
        builder.Property(h => h.SetByEmail).HasMaxLength(256);
        builder.Property(h => h.ReleasedByEmail).HasMaxLength(256);
        builder.HasIndex(h => new { h.ClientId, h.ReleasedAt });
    }
}

internal sealed class AuditChainLinkConfiguration : IEntityTypeConfiguration<AuditChainLink>
{
    public void Configure(EntityTypeBuilder<AuditChainLink> builder)
    {
        builder.ToTable("AuditChainLinks");
        builder.HasKey(l => l.Sequence);
        builder.Property(l => l.Sequence).ValueGeneratedNever();
        builder.Property(l => l.Hash).HasMaxLength(100).IsRequired();
        // No foreign key: a deleted entry must leave its link behind, for the verification to find.
        builder.HasIndex(l => l.EntryId).IsUnique();
    }
}
