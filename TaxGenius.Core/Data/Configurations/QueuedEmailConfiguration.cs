using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TaxGenius.Core.Email;

namespace TaxGenius.Core.Data.Configurations;

internal sealed class QueuedEmailConfiguration : IEntityTypeConfiguration<QueuedEmail>
{
    public void Configure(EntityTypeBuilder<QueuedEmail> builder)
    {
        builder.ToTable("QueuedEmails");
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.To).HasMaxLength(256);
        builder.Property(e => e.Subject).HasMaxLength(300);
        builder.Property(e => e.Template).HasMaxLength(64);
        builder.Property(e => e.Status).HasConversion(new SeedEnumConverter<QueuedEmailStatus>()).HasMaxLength(20);
        builder.Property(e => e.LastError).HasMaxLength(500);
        builder.HasIndex(e => new { e.Status, e.CreatedAt });
        builder.HasIndex(e => e.ClaimToken);
    }
}
