using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TaxGenius.Core.Documents;

namespace TaxGenius.Core.Data.Configurations;

internal sealed class DocumentConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> builder)
    {
        builder.ToTable("Documents");
        builder.Property(d => d.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(d => d.Type).HasConversion(new SeedEnumConverter<DocumentType>()).HasMaxLength(20);
        builder.Property(d => d.Status).HasConversion(new SeedEnumConverter<DocumentStatus>()).HasMaxLength(20);
        builder.Property(d => d.FileName).HasMaxLength(255).IsRequired();
        builder.Property(d => d.StorageKey).HasMaxLength(100).IsRequired();
        builder.HasIndex(d => d.StorageKey).IsUnique();
        builder.Property(d => d.RejectionReason).HasMaxLength(500);
        builder.Property(d => d.ContentType).HasMaxLength(50).IsRequired();
        builder.Property(d => d.Sha256).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.HasOne<Document>().WithMany().HasForeignKey(d => d.ReplacesDocumentId).OnDelete(DeleteBehavior.SetNull);

        builder.HasOne(d => d.AssignedTo).WithMany().HasForeignKey(d => d.AssignedToId).OnDelete(DeleteBehavior.SetNull);
        builder.HasIndex(d => new { d.AssignedToId, d.Status, d.CreatedAt, d.Id });
        // The open queue (the default view, PENDING and PROCESSING) in upload order: a keyset page is an index range scan.
        // Named, so that it is a second index on these columns: an unnamed HasIndex on the same columns returns this one.
        // ReviewQueueService writes the status list as literals so that PostgreSQL can prove this predicate.
        builder.HasIndex(d => new { d.CreatedAt, d.Id }, "IX_Documents_OpenQueue")
            .HasFilter("\"Status\" IN ('PENDING', 'PROCESSING')");
        // Every status at once (the queue with all status chips on): upload order without a sort.
        builder.HasIndex(d => new { d.CreatedAt, d.Id });

        builder.HasIndex(d => d.UserId);
        builder.HasIndex(d => d.Status);
        // The preparers' queue: filter by status, page by (created_at, id) with keyset pagination.
        builder.HasIndex(d => new { d.Status, d.CreatedAt, d.Id });
    }
}
