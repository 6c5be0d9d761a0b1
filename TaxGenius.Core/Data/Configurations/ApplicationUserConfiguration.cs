using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using TaxGenius.Core.Identity;

namespace TaxGenius.Core.Data.Configurations;

internal sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> builder)
    {
        builder.Property(u => u.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
        builder.Property(u => u.SsnEncrypted).HasMaxLength(512);
        builder.Property(u => u.MessageNotifications).HasConversion(new SeedEnumConverter<Messaging.MessageNotificationMode>()).HasMaxLength(20)
            .HasDefaultValue(Messaging.MessageNotificationMode.Immediate).HasSentinel((Messaging.MessageNotificationMode)(-1));
        builder.HasIndex(u => u.CreatedAt);

        builder.HasOne(u => u.Profile).WithOne(p => p.User!).HasForeignKey<Profiles.Profile>(p => p.UserId)
            .OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(u => u.Documents).WithOne(d => d.User).HasForeignKey(d => d.UserId)
            .OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(u => u.Referrals).WithOne(r => r.Referrer).HasForeignKey(r => r.ReferrerId)
            .OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RoleConfiguration : IEntityTypeConfiguration<IdentityRole<Guid>>
{
    public void Configure(EntityTypeBuilder<IdentityRole<Guid>> builder) =>
        builder.Property(r => r.Id).HasValueGenerator<GuidV7ValueGenerator>().ValueGeneratedOnAdd();
}
