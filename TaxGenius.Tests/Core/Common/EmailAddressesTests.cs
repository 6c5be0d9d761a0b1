using TaxGenius.Core.Common;

namespace TaxGenius.Tests.Core.Common;

/// <summary>The one rule for typed addresses: a bare address whose domain could be on the internet.</summary>
public sealed class EmailAddressesTests
{
    [Theory]
    [InlineData("name@example.com", true)]
    [InlineData("first.last+tax@mail.example.co.uk", true)]
    [InlineData("preparer@demo.taxgenius.test", true)]
    [InlineData("a@b", false)]
    [InlineData("a@b.", false)]
    [InlineData("a@.b", false)]
    [InlineData("a@b..com", false)]
    [InlineData("not an address", false)]
    [InlineData("Casey <casey@example.com>", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_an_address_someone_could_have_is_valid(string? email, bool valid) =>
        Assert.Equal(valid, EmailAddresses.IsValid(email));
}
