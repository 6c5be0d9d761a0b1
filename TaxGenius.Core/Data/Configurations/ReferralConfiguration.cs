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
        // A concurrency token: two saves that both saw PENDING cannot both convert (or pay) the referral.
        builder.Property(r => r.Status).HasConversion(new SeedEnumConverter<ReferralStatus>()).HasMaxLength(20).IsConcurrencyToken();
        builder.Property(r => r.Source).HasConversion(new SeedEnumConverter<ReferralSource>()).HasMaxLength(20);
        builder.Property(r => r.Commission).HasPrecision(10, 2);

        builder.HasOne(r => r.ClientUser).WithMany().HasForeignKey(r => r.ClientUserId).OnDelete(DeleteBehavior.SetNull);
        // A payout is a financial record: it cannot be deleted while referrals point to it.
        builder.HasOne(r => r.Payout).WithMany().HasForeignKey(r => r.PayoutId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(r => r.PayoutId);

        builder.HasIndex(r => r.ReferrerId);
        builder.HasIndex(r => r.Status);
        // The first referral for an address wins: one attributable referral per address, whoever tries second. Unattributed
        // invitations (the address had an account or a referral already) sit beside it, one per referrer.
        builder.HasIndex(r => r.ClientEmail).IsUnique().HasFilter("NOT \"Unattributed\"");
        builder.HasIndex(r => new { r.ReferrerId, r.ClientEmail });
        builder.HasIndex(r => r.ClientUserId);
    }
}

internal sealed class PayoutConfiguration : IEntityTypeConfiguration<Payout>
{
    public void Configure(EntityTypeBuilder<Payout> builder)
    {
        builder.ToTable("Payouts");
        builder.Property(p => p.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(p => p.Reference).HasMaxLength(Payout.MaxReferenceLength).IsRequired();
        // decimal(10,2); on SQLite integer cents by the context's convention, like every amount.
        builder.Property(p => p.Total).HasPrecision(10, 2);
        builder.HasIndex(p => p.CreatedAt);
    }
}

internal sealed class ReferralCodeConfiguration : IEntityTypeConfiguration<ReferralCode>
{
    public void Configure(EntityTypeBuilder<ReferralCode> builder)
    {
        builder.ToTable("ReferralCodes");
        builder.Property(c => c.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(c => c.Code).HasMaxLength(ReferralCodes.MaxLength).IsRequired();
        builder.HasIndex(c => c.Code).IsUnique();
        builder.HasIndex(c => c.ReferrerId);
        builder.HasOne(c => c.Referrer).WithMany().HasForeignKey(c => c.ReferrerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ReferralClickConfiguration : IEntityTypeConfiguration<ReferralClick>
{
    public void Configure(EntityTypeBuilder<ReferralClick> builder)
    {
        builder.ToTable("ReferralClicks");
        builder.Property(c => c.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(c => c.IpHash).HasMaxLength(64);
        builder.HasOne(c => c.ReferralCode).WithMany().HasForeignKey(c => c.ReferralCodeId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.ReferrerId, c.At });
    }
}

internal sealed class ReferrerCommissionRateConfiguration : IEntityTypeConfiguration<ReferrerCommissionRate>
{
    public void Configure(EntityTypeBuilder<ReferrerCommissionRate> builder)
    {
        builder.ToTable("ReferrerCommissionRates");
        builder.HasKey(r => r.ReferrerId);
        builder.Property(r => r.Amount).HasPrecision(10, 2);
        builder.HasOne(r => r.Referrer).WithOne().HasForeignKey<ReferrerCommissionRate>(r => r.ReferrerId).OnDelete(DeleteBehavior.Cascade);
    }
}
