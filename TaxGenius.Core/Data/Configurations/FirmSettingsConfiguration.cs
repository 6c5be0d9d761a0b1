using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TaxGenius.Core.Settings;

namespace TaxGenius.Core.Data.Configurations;

internal sealed class FirmSettingsConfiguration : IEntityTypeConfiguration<FirmSettings>
{
    public void Configure(EntityTypeBuilder<FirmSettings> builder)
    {
        builder.ToTable("FirmSettings");
        // One row, id 1: the firm's settings. No sequence behind it.
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.ToTable(t => t.HasCheckConstraint("CK_FirmSettings_Singleton", "\"Id\" = 1"));
        builder.Property(f => f.RetentionReason).HasMaxLength(FirmSettings.MaxRetentionReasonLength);
    }
}
