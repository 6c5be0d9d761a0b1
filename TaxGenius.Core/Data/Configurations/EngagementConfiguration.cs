using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TaxGenius.Core.Engagements;

namespace TaxGenius.Core.Data.Configurations;

internal sealed class EngagementConfiguration : IEntityTypeConfiguration<Engagement>
{
    public void Configure(EntityTypeBuilder<Engagement> builder)
    {
        builder.ToTable("Engagements");
        builder.Property(e => e.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(e => e.Stage).HasConversion(new SeedEnumConverter<EngagementStage>()).HasMaxLength(30);
        builder.Property(e => e.StageBeforeHold).HasConversion(new SeedEnumConverter<EngagementStage>()).HasMaxLength(30);
        builder.Property(e => e.Priority).HasConversion(new SeedEnumConverter<EngagementPriority>()).HasMaxLength(10);
        builder.Property(e => e.HoldReason).HasMaxLength(EngagementStages.MaxHoldReasonLength);
        builder.Ignore(e => e.EffectiveDueDate);
        builder.Property(e => e.DueOn).HasComputedColumnSql("COALESCE(\"ExtendedDueDate\", \"DueDate\")", stored: true);

        builder.HasOne(e => e.Client).WithMany().HasForeignKey(e => e.ClientId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(e => e.Preparer).WithMany().HasForeignKey(e => e.PreparerId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(e => e.Reviewer).WithMany().HasForeignKey(e => e.ReviewerId).OnDelete(DeleteBehavior.SetNull);

        // One return per client per year; the board reads a year by stage, a preparer's cards by stage.
        builder.HasIndex(e => new { e.ClientId, e.TaxYear }).IsUnique();
        builder.HasIndex(e => new { e.TaxYear, e.Stage, e.StageChangedAt, e.Id });
        // A board column: most urgent first (due, then longest in the column), read from the index 50 at a time.
        builder.HasIndex(e => new { e.TaxYear, e.Stage, e.DueOn, e.StageChangedAt, e.Id });
        // The list view, every stage: a year's engagements longest in their stage first, paged by keyset.
        builder.HasIndex(e => new { e.TaxYear, e.StageChangedAt, e.Id });
        builder.HasIndex(e => new { e.PreparerId, e.Stage });
        // The reminder job's candidates: engagements waiting for documents.
        builder.HasIndex(e => new { e.Stage, e.RequestedAt });
    }
}

internal sealed class EngagementStageChangeConfiguration : IEntityTypeConfiguration<EngagementStageChange>
{
    public void Configure(EntityTypeBuilder<EngagementStageChange> builder)
    {
        builder.ToTable("EngagementStageChanges");
        builder.Property(c => c.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(c => c.From).HasConversion(new SeedEnumConverter<EngagementStage>()).HasMaxLength(30);
        builder.Property(c => c.To).HasConversion(new SeedEnumConverter<EngagementStage>()).HasMaxLength(30);
        builder.Property(c => c.Reason).HasMaxLength(EngagementStages.MaxHoldReasonLength);
        builder.Property(c => c.ActorEmail).HasMaxLength(256);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(c => c.EngagementId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.EngagementId, c.At });
    }
}

internal sealed class RequestItemConfiguration : IEntityTypeConfiguration<RequestItem>
{
    public void Configure(EntityTypeBuilder<RequestItem> builder)
    {
        builder.ToTable("RequestItems");
        builder.Property(i => i.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(i => i.Kind).HasConversion(new SeedEnumConverter<RequestKind>()).HasMaxLength(20);
        builder.Property(i => i.Status).HasConversion(new SeedEnumConverter<RequestItemStatus>()).HasMaxLength(20);
        builder.Property(i => i.Description).HasMaxLength(RequestItem.MaxDescriptionLength).IsRequired();
        builder.Property(i => i.Reason).HasMaxLength(RequestItem.MaxReasonLength);
        builder.Property(i => i.Origin).HasMaxLength(RequestItem.MaxOriginLength);
        builder.Ignore(i => i.IsSatisfied);
        builder.HasOne(i => i.Engagement).WithMany().HasForeignKey(i => i.EngagementId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Documents.Document>().WithMany().HasForeignKey(i => i.DocumentId).OnDelete(DeleteBehavior.SetNull);
        // An engagement's checklist in order; the items a document fulfilled; open required items (reminders, overdue counts).
        builder.HasIndex(i => new { i.EngagementId, i.SortOrder });
        builder.HasIndex(i => i.DocumentId);
        builder.HasIndex(i => new { i.Status, i.DueDate });
        // What is still missing per engagement (every card on the board counts it): answered from the index alone.
        builder.HasIndex(i => new { i.EngagementId, i.Required, i.Status });
    }
}

internal sealed class EngagementReminderConfiguration : IEntityTypeConfiguration<EngagementReminder>
{
    public void Configure(EntityTypeBuilder<EngagementReminder> builder)
    {
        builder.ToTable("EngagementReminders");
        builder.Property(r => r.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(r => r.Kind).HasConversion(new SeedEnumConverter<ReminderKind>()).HasMaxLength(20);
        builder.Property(r => r.ActorEmail).HasMaxLength(256);
        builder.HasOne<Engagement>().WithMany().HasForeignKey(r => r.EngagementId).OnDelete(DeleteBehavior.Cascade);
        // Never two reminders for one engagement on one day: the database refuses the second, from any instance.
        builder.HasIndex(r => new { r.EngagementId, r.SentOn }).IsUnique();
    }
}

internal sealed class RequestTemplateItemConfiguration : IEntityTypeConfiguration<RequestTemplateItem>
{
    public void Configure(EntityTypeBuilder<RequestTemplateItem> builder)
    {
        builder.ToTable("RequestTemplateItems");
        builder.Property(t => t.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(t => t.Kind).HasConversion(new SeedEnumConverter<RequestKind>()).HasMaxLength(20);
        builder.Property(t => t.Description).HasMaxLength(RequestItem.MaxDescriptionLength).IsRequired();
    }
}

internal sealed class OrganizerAnswersConfiguration : IEntityTypeConfiguration<OrganizerAnswers>
{
    public void Configure(EntityTypeBuilder<OrganizerAnswers> builder)
    {
        builder.ToTable("OrganizerAnswers");
        builder.HasKey(a => a.EngagementId);
        builder.Property(a => a.AnswersJson).HasMaxLength(4000).IsRequired();
        builder.HasOne<Engagement>().WithOne().HasForeignKey<OrganizerAnswers>(a => a.EngagementId).OnDelete(DeleteBehavior.Cascade);
    }
}
