using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TaxGenius.Core.Recognition;

namespace TaxGenius.Core.Data.Configurations;

internal sealed class DocumentRecognitionConfiguration : IEntityTypeConfiguration<DocumentRecognition>
{
    public void Configure(EntityTypeBuilder<DocumentRecognition> builder)
    {
        builder.ToTable("DocumentRecognitions");
        builder.HasKey(r => r.DocumentId);
        builder.HasOne(r => r.Document).WithOne().HasForeignKey<DocumentRecognition>(r => r.DocumentId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(r => r.Status).HasConversion(new SeedEnumConverter<RecognitionStatus>()).HasMaxLength(20);
        builder.Property(r => r.Kind).HasConversion(new SeedEnumConverter<FormKind>()).HasMaxLength(20);
        builder.Property(r => r.Source).HasConversion(new SeedEnumConverter<TextSource>()).HasMaxLength(20);
        builder.Property(r => r.Error).HasMaxLength(300);
        // The jobs' sweep of what is still queued.
        builder.HasIndex(r => new { r.Status, r.CreatedAt });
        // The queue's "Needs a check" filter: few rows, so a partial index.
        builder.HasIndex(r => r.DocumentId, "IX_DocumentRecognitions_NeedsCheck").HasFilter("\"NeedsCheck\"");
    }
}
