using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Messaging;

namespace TaxGenius.Core.Data.Configurations;

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.ToTable("Conversations");
        builder.Property(c => c.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.HasOne(c => c.Client).WithMany().HasForeignKey(c => c.ClientId).OnDelete(DeleteBehavior.Cascade);
        // One conversation per client.
        builder.HasIndex(c => c.ClientId).IsUnique();
        // The staff inbox: waiting for the firm first, then the most recent, paged by keyset.
        builder.HasIndex(c => new { c.StaffUnread, c.LastMessageAt, c.Id });
    }
}

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.ToTable("Messages");
        builder.Property(m => m.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(m => m.Kind).HasConversion(new SeedEnumConverter<MessageKind>()).HasMaxLength(20);
        // An m1 envelope of up to 4,000 characters of text (UTF-8 up to 4 bytes each, base64): never plain text.
        builder.Property(m => m.Body).HasMaxLength(24_000);
        builder.HasOne(m => m.Conversation).WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        // Checked at the end of the statement: deleting a client removes their conversation (and their own messages) first.
        builder.HasOne(m => m.Sender).WithMany().HasForeignKey(m => m.SenderId).OnDelete(DeleteBehavior.NoAction);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(m => m.EngagementId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<Document>().WithMany().HasForeignKey(m => m.DocumentId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne<RequestItem>().WithMany().HasForeignKey(m => m.RequestItemId).OnDelete(DeleteBehavior.SetNull);
        // A thread, newest first, 50 at a time.
        builder.HasIndex(m => new { m.ConversationId, m.SentAt, m.Id });
    }
}
