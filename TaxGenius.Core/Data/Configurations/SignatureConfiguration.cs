using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Signatures;

namespace TaxGenius.Core.Data.Configurations;

internal sealed class SignatureRequestConfiguration : IEntityTypeConfiguration<SignatureRequest>
{
    public void Configure(EntityTypeBuilder<SignatureRequest> builder)
    {
        builder.ToTable("SignatureRequests");
        builder.Property(r => r.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(r => r.Kind).HasConversion(new SeedEnumConverter<SignatureDocumentKind>()).HasMaxLength(20);
        builder.Property(r => r.Status).HasConversion(new SeedEnumConverter<SignatureRequestStatus>()).HasMaxLength(20);
        builder.Property(r => r.Title).HasMaxLength(SignatureRequest.MaxTitleLength);
        builder.Property(r => r.Message).HasMaxLength(SignatureRequest.MaxMessageLength);
        builder.Property(r => r.KnowledgeQuestion).HasMaxLength(SignatureRequest.MaxQuestionLength);
        builder.Property(r => r.KnowledgeAnswerHash).HasMaxLength(64);
        builder.Property(r => r.OriginalFileName).HasMaxLength(255);
        builder.Property(r => r.OriginalStorageKey).HasMaxLength(64);
        builder.Property(r => r.OriginalSha256).HasMaxLength(64);
        builder.Property(r => r.SignedSha256).HasMaxLength(64);
        builder.Property(r => r.VoidReason).HasMaxLength(SignatureRequest.MaxVoidReasonLength);
        builder.Property(r => r.VoidedByEmail).HasMaxLength(256);
        builder.Property(r => r.CreatedByEmail).HasMaxLength(256);
        builder.Ignore(r => r.IsOpen);
        builder.HasOne(r => r.Engagement).WithMany().HasForeignKey(r => r.EngagementId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Document>().WithMany().HasForeignKey(r => r.SignedDocumentId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(r => r.Signers).WithOne(s => s.Request).HasForeignKey(s => s.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(r => r.Fields).WithOne().HasForeignKey(f => f.RequestId).OnDelete(DeleteBehavior.Cascade);
        // The staff list: newest first within a status, paged by keyset; an engagement's requests; the reminder job's candidates.
        builder.HasIndex(r => new { r.Status, r.CreatedAt, r.Id });
        builder.HasIndex(r => new { r.CreatedAt, r.Id });
        builder.HasIndex(r => r.EngagementId);
        builder.HasIndex(r => new { r.ClientId, r.Status });
    }
}

internal sealed class SignatureSignerConfiguration : IEntityTypeConfiguration<SignatureSigner>
{
    public void Configure(EntityTypeBuilder<SignatureSigner> builder)
    {
        builder.ToTable("SignatureSigners");
        builder.Property(s => s.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(s => s.Role).HasConversion(new SeedEnumConverter<SignerRole>()).HasMaxLength(10);
        builder.Property(s => s.Status).HasConversion(new SeedEnumConverter<SignerStatus>()).HasMaxLength(10);
        builder.Property(s => s.Method).HasConversion(new SeedEnumConverter<SignatureMethod>()).HasMaxLength(10);
        builder.Property(s => s.Name).HasMaxLength(SignatureSigner.MaxNameLength);
        builder.Property(s => s.Email).HasMaxLength(256);
        builder.Property(s => s.InvitationTokenHash).HasMaxLength(64);
        builder.Property(s => s.CodeHash).HasMaxLength(64);
        builder.Property(s => s.SecondFactorMethod).HasMaxLength(40);
        builder.Property(s => s.KnowledgeMethod).HasMaxLength(60);
        builder.Property(s => s.LoginId).HasMaxLength(300);
        builder.Property(s => s.IpAddress).HasMaxLength(64);
        builder.Property(s => s.UserAgent).HasMaxLength(256);
        builder.HasOne(s => s.User).WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(s => s.InvitationTokenHash).IsUnique();
        builder.HasIndex(s => new { s.UserId, s.Status });
        builder.HasIndex(s => new { s.RequestId, s.Role }).IsUnique();
    }
}

internal sealed class SignatureFieldConfiguration : IEntityTypeConfiguration<SignatureField>
{
    public void Configure(EntityTypeBuilder<SignatureField> builder)
    {
        builder.ToTable("SignatureFields");
        builder.Property(f => f.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(f => f.Kind).HasConversion(new SeedEnumConverter<SignatureFieldKind>()).HasMaxLength(10);
        builder.HasOne<SignatureSigner>().WithMany().HasForeignKey(f => f.SignerId).OnDelete(DeleteBehavior.NoAction);
        builder.HasIndex(f => new { f.RequestId, f.SignerId });
    }
}
