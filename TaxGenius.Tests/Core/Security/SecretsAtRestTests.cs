using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Security;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Core.Security;

/// <summary>
/// A copy of the database is not enough to act as staff: the Data Protection key ring and the authenticator keys and recovery codes
/// are encrypted with a key that lives in configuration (DataProtection:Keys), and data an older version stored in clear is upgraded.
/// </summary>
public sealed class SecretsAtRestTests
{
    [Fact]
    public async Task A_pg_dump_holds_no_data_protection_key_material_authenticator_key_or_recovery_code_in_clear()
    {
        await using var app = await TaxGeniusAppFactory.CreateAsync();
        using (var client = await app.SignInAsync(DemoAccounts.Preparer))
        {
            // Signing in issued cookies, so the key ring has a key.
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/preparer")).StatusCode);
        }

        IEnumerable<string> codes;
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var preparer = (await users.FindByEmailAsync(DemoAccounts.Preparer))!;
            codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(preparer, 10))!.ToList();
            Assert.Equal(TaxGeniusAppFactory.TotpSecret, await users.GetAuthenticatorKeyAsync(preparer));
        }

        var dump = await PgDump.DataAsync(app.Database!.ConnectionString);
        Assert.Contains("encryptedSecret", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("requiresEncryption", dump, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", dump, StringComparison.Ordinal);
        Assert.DoesNotContain(TaxGeniusAppFactory.TotpSecret, dump, StringComparison.OrdinalIgnoreCase);
        Assert.All(codes, code => Assert.DoesNotContain(code, dump, StringComparison.OrdinalIgnoreCase));
        Assert.Contains(SecretProtector.Version + ":", dump, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Keys_and_secrets_stored_in_clear_by_an_older_version_are_encrypted_at_start_and_keep_working(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider, migrate: false);
        Guid userId;
        string payload;
        await using (var before = await TaxGeniusAppFactory.CreateAsync(sharedDatabase: database))
        {
            before.StartServer();
            userId = await before.UserIdAsync(DemoAccounts.Preparer);
        }

        // What an older version left behind: a Data Protection key written without an encryptor, a payload protected with it (a
        // cookie, a reset link), and Identity tokens in clear.
        var legacyFolder = Directory.CreateTempSubdirectory("tg_legacy_keys_");
        try
        {
            var legacy = DataProtectionProvider.Create(legacyFolder, b => b.SetApplicationName("TaxGenius"));
            payload = legacy.CreateProtector("upgrade-test").Protect("a cookie from before the upgrade");
            var legacyXml = XElement.Load(Directory.GetFiles(legacyFolder.FullName, "key-*.xml").Single());
            Assert.Contains("requiresEncryption", legacyXml.ToString(), StringComparison.Ordinal);
            await using var db = await database.Factory.CreateDbContextAsync();
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "legacy", Xml = legacyXml.ToString(SaveOptions.DisableFormatting) });
            db.UserTokens.RemoveRange(await db.UserTokens.Where(t => t.UserId == userId).ToListAsync());
            db.UserTokens.Add(new IdentityUserToken<Guid> { UserId = userId, LoginProvider = "[AspNetUserStore]", Name = "AuthenticatorKey", Value = TaxGeniusAppFactory.TotpSecret });
            db.UserTokens.Add(new IdentityUserToken<Guid> { UserId = userId, LoginProvider = "[AspNetUserStore]", Name = "RecoveryCodes", Value = "AAAA1-BBBB2;CCCC3-DDDD4" });
            await db.SaveChangesAsync();
        }
        finally
        {
            legacyFolder.Delete(recursive: true);
        }

        await using var after = await TaxGeniusAppFactory.CreateAsync(sharedDatabase: database);
        after.StartServer();

        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            var stored = await db.DataProtectionKeys.SingleAsync(k => k.FriendlyName == "legacy");
            Assert.DoesNotContain("requiresEncryption", stored.Xml, StringComparison.Ordinal);
            Assert.Contains("encryptedSecret", stored.Xml, StringComparison.Ordinal);
            Assert.All(await db.UserTokens.Where(t => t.UserId == userId).Select(t => t.Value).ToListAsync(),
                value => Assert.StartsWith(SecretProtector.Version + ":", value, StringComparison.Ordinal));
        }

        // The same key material: what was protected before still opens; the authenticator and a recovery code still work.
        Assert.Equal("a cookie from before the upgrade",
            after.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("upgrade-test").Unprotect(payload));
        using var scope = after.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByIdAsync(userId.ToString()))!;
        Assert.Equal(TaxGeniusAppFactory.TotpSecret, await users.GetAuthenticatorKeyAsync(user));
        Assert.True((await users.RedeemTwoFactorRecoveryCodeAsync(user, "CCCC3-DDDD4")).Succeeded);
        Assert.Equal(1, await users.CountRecoveryCodesAsync(user));
    }

    [Fact]
    public void A_secret_is_bound_to_its_purpose_and_refuses_a_key_it_does_not_have()
    {
        var ring = Microsoft.Extensions.Options.Options.Create(new DataProtectionKeyOptions { Keys = { ["k1"] = MasterKeys.NewKey() }, ActiveKeyId = "k1" });
        var protector = new SecretProtector(ring);
        var sealed1 = protector.Protect("identity-token:alice:AuthenticatorKey", "JBSWY3DPEHPK3PXP");

        Assert.Equal("JBSWY3DPEHPK3PXP", protector.Unprotect("identity-token:alice:AuthenticatorKey", sealed1));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Unprotect("identity-token:mallory:AuthenticatorKey", sealed1));
        var otherRing = new SecretProtector(Microsoft.Extensions.Options.Options.Create(new DataProtectionKeyOptions { Keys = { ["k2"] = MasterKeys.NewKey() }, ActiveKeyId = "k2" }));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => otherRing.Unprotect("identity-token:alice:AuthenticatorKey", sealed1));
    }
}
