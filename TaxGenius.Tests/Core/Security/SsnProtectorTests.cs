using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using TaxGenius.Core.Security;

namespace TaxGenius.Tests.Core.Security;

public sealed class SsnProtectorTests
{
    private const string Ssn = "123-45-6789";
    private static readonly string KeyA = MasterKeys.NewKey();
    private static readonly string KeyB = MasterKeys.NewKey();
    private static readonly Guid User = Guid.NewGuid();

    internal static SsnProtector Protector(string active, params (string Id, string Key)[] keys) =>
        new(Options.Create(new SsnProtectionOptions { Keys = keys.ToDictionary(k => k.Id, k => k.Key), ActiveKeyId = active }));

    private static readonly SsnProtector Ring = Protector("k2", ("k1", KeyA), ("k2", KeyB));

    [Fact]
    public void Round_trips_and_writes_a_versioned_envelope_under_the_active_key()
    {
        var envelope = Ring.Protect(User, "123456789");

        var parts = envelope.Split(':');
        Assert.Equal(["v1", "k2"], parts[..2]);
        Assert.Equal(12, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(16, Convert.FromBase64String(parts[3]).Length);
        Assert.Equal(Ssn, Ring.Unprotect(User, envelope));
        Assert.DoesNotContain("6789", envelope, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_encryption_uses_a_new_nonce()
    {
        var first = Ring.Protect(User, Ssn);
        var second = Ring.Protect(User, Ssn);
        Assert.NotEqual(first.Split(':')[2], second.Split(':')[2]);
        Assert.NotEqual(first, second);
    }

    [Theory]
    [InlineData(2)] // nonce
    [InlineData(3)] // tag
    [InlineData(4)] // ciphertext
    public void Flipping_any_byte_of_nonce_tag_or_ciphertext_fails(int part)
    {
        var envelope = Ring.Protect(User, Ssn);
        var parts = envelope.Split(':');
        var bytes = Convert.FromBase64String(parts[part]);
        for (var i = 0; i < bytes.Length; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x01;
            var copy = (string[])parts.Clone();
            copy[part] = Convert.ToBase64String(tampered);
            AssertFailsWithoutLeaking(() => Ring.Unprotect(User, string.Join(':', copy)));
        }
    }

    [Fact]
    public void Changing_the_key_id_fails_even_when_it_names_another_configured_key()
    {
        var envelope = Ring.Protect(User, Ssn);
        var parts = envelope.Split(':');
        for (var i = 0; i < parts[1].Length; i++)
        {
            var id = parts[1].ToCharArray();
            id[i] = (char)(id[i] ^ 0x01);
            var copy = (string[])parts.Clone();
            copy[1] = new string(id);
            AssertFailsWithoutLeaking(() => Ring.Unprotect(User, string.Join(':', copy)));
        }

        // Relabelled as the other key of the ring: the associated data binds the key id.
        var relabelled = (string[])parts.Clone();
        relabelled[1] = "k1";
        AssertFailsWithoutLeaking(() => Ring.Unprotect(User, string.Join(':', relabelled)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v2:k2:AAAA:AAAA:AAAA")]
    [InlineData("v1:k2:not base64!:AAAA:AAAA")]
    [InlineData("v1:k2:AAAA:AAAA:AAAA")]
    [InlineData("v1:k2:AAAA")]
    public void A_malformed_envelope_fails_cleanly(string envelope) =>
        AssertFailsWithoutLeaking(() => Ring.Unprotect(User, envelope));

    [Fact]
    public void An_envelope_copied_to_another_user_fails()
    {
        var envelope = Ring.Protect(User, Ssn);
        AssertFailsWithoutLeaking(() => Ring.Unprotect(Guid.NewGuid(), envelope));
    }

    [Fact]
    public void Old_keys_still_decrypt_and_need_rotation()
    {
        var old = Protector("k1", ("k1", KeyA)).Protect(User, Ssn);

        Assert.Equal(Ssn, Ring.Unprotect(User, old));
        Assert.True(Ring.NeedsRotation(old));
        Assert.False(Ring.NeedsRotation(Ring.Protect(User, Ssn)));
    }

    [Fact]
    public void A_ring_without_the_old_key_cannot_decrypt_it()
    {
        var old = Protector("k1", ("k1", KeyA)).Protect(User, Ssn);
        var error = AssertFailsWithoutLeaking(() => Protector("k2", ("k2", KeyB)).Unprotect(User, old));
        Assert.Contains("'k1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_to_encrypt_an_invalid_number_without_repeating_it()
    {
        var error = Assert.Throws<ArgumentException>(() => Ring.Protect(User, "900-12-3456"));
        Assert.DoesNotContain("3456", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("123-45-6789", "***-**-6789")]
    [InlineData("123456789", "***-**-6789")]
    public void Masks_all_but_the_last_four_digits(string ssn, string expected) => Assert.Equal(expected, SsnProtector.Mask(ssn));

    [Theory]
    [InlineData("not-base64", "k", "Ssn:Keys:k must be the base64")]
    [InlineData("AAAA", "k", "Ssn:Keys:k must be the base64")]
    [InlineData(null, "missing", "Ssn:ActiveKeyId 'missing' names no key")]
    [InlineData(null, "", "Ssn:ActiveKeyId (environment variable Ssn__ActiveKeyId) is required")]
    public void A_bad_key_ring_is_refused_naming_the_setting(string? badKey, string active, string expected)
    {
        var options = new SsnProtectionOptions { Keys = { ["k"] = badKey ?? KeyA }, ActiveKeyId = active };
        var error = Assert.Throws<OptionsValidationException>(() => new SsnProtector(Options.Create(options)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(KeyA, error.Message, StringComparison.Ordinal);
    }

    private static SsnDecryptionException AssertFailsWithoutLeaking(Func<string> unprotect)
    {
        var error = Assert.Throws<SsnDecryptionException>(() => unprotect());
        Assert.IsAssignableFrom<CryptographicException>(error);
        Assert.DoesNotContain("6789", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("123", error.Message, StringComparison.Ordinal);
        return error;
    }
}
