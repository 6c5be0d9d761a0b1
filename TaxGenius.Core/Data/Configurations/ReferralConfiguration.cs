using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TaxGenius.Core.Referrals;

namespace TaxGenius.Core.Data.Configurations;

internal sealed class ReferralConfiguration : IEntityTypeConfiguration<Referral>
{
    public void Configure(EntityTypeBuilder<Referral> builder)
    {
        builder.ToTable("Referrals");
        builder.Property(r => r.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(r => r.ClientEmail).HasMaxLength(256).IsRequired();
        builder.Property(r => r.Status).HasConversion(new SeedEnumConverter<ReferralStatus>()).HasMaxLength(20);
        builder.Property(r => r.Commission).HasPrecision(10, 2);

        builder.HasIndex(r => r.ReferrerId);
        builder.HasIndex(r => r.Status);
        builder.HasIndex(r => r.ClientEmail);
    }
}
