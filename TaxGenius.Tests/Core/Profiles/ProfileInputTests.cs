using TaxGenius.Core.Profiles;

namespace TaxGenius.Tests.Core.Profiles;

public sealed class ProfileInputTests
{
    [Theory]
    [InlineData("(555) 555-0100", "+15555550100")]
    [InlineData("555.555.0100", "+15555550100")]
    [InlineData("555-555-0100", "+15555550100")]
    [InlineData("5555550100", "+15555550100")]
    [InlineData("+1 555 555 0100", "+15555550100")]
    [InlineData("1 (555) 555-0100", "+15555550100")]
    [InlineData("+1-212-867-5309", "+12128675309")]
    public void Phone_numbers_in_common_forms_are_stored_as_plus_one_and_ten_digits(string typed, string stored)
    {
        Assert.Null(ProfileInput.ValidatePhone(typed));
        Assert.Equal(stored, ProfileInput.NormalizePhone(typed));
        Assert.Equal(stored, ProfileInput.NormalizePhone(ProfileInput.FormatPhone(stored)));
    }

    [Theory]
    [InlineData("555-0100", "10 digits")]
    [InlineData("555 555 01000", "10 digits")]
    [InlineData("+44 20 7946 0958", "Only US numbers")]
    [InlineData("555+5550100", "Only US numbers")]
    [InlineData("(055) 555-0100", "area code never starts with 0 or 1")]
    [InlineData("(155) 555-0100", "area code never starts with 0 or 1")]
    [InlineData("(555) 055-0100", "after the area code never start with 0 or 1")]
    [InlineData("(555) 155-0100", "after the area code never start with 0 or 1")]
    [InlineData("555-CALL-NOW", "Use digits")]
    public void Wrong_phone_numbers_get_a_message(string typed, string expected) =>
        Assert.Contains(expected, ProfileInput.ValidatePhone(typed), StringComparison.Ordinal);

    [Theory]
    [InlineData("12345", "12345")]
    [InlineData(" 12345 ", "12345")]
    [InlineData("12345-6789", "12345-6789")]
    [InlineData("123456789", "12345-6789")]
    public void Zip_codes_are_5_or_9_digits(string typed, string stored)
    {
        Assert.Null(ProfileInput.ValidateZip(typed));
        Assert.Equal(stored, ProfileInput.NormalizeZip(typed));
    }

    [Theory]
    [InlineData("1234")]
    [InlineData("123456")]
    [InlineData("1234-56789")]
    [InlineData("12345-678")]
    [InlineData("12345--6789")]
    [InlineData("ABCDE")]
    public void Other_zip_codes_are_refused(string typed) =>
        Assert.Equal("Enter a 5-digit ZIP code or ZIP+4, e.g. 12345 or 12345-6789.", ProfileInput.ValidateZip(typed));

    [Theory]
    [InlineData("TX", "TX")]
    [InlineData("tx", "TX")]
    [InlineData("DC", "DC")]
    [InlineData("PR", "PR")]
    [InlineData("AE", "AE")]
    public void Known_state_codes_are_accepted_and_upper_cased(string typed, string stored)
    {
        var input = Valid();
        input.State = typed;
        Assert.Empty(input.Validate());
        Assert.Equal(stored, input.Normalize().State);
    }

    [Theory]
    [InlineData("XX")]
    [InlineData("Texas")]
    public void Unknown_states_are_refused(string typed)
    {
        var input = Valid();
        input.State = typed;
        Assert.Equal("Choose a state or territory from the list.", input.Validate()[nameof(ProfileInput.State)]);
    }

    [Fact]
    public void The_list_has_the_50_states_DC_5_territories_and_3_military_codes()
    {
        Assert.Equal(59, UsStates.All.Count);
        Assert.Equal(59, UsStates.All.Select(s => s.Code).Distinct().Count());
        Assert.All(["AS", "GU", "MP", "PR", "VI", "AA", "AE", "AP", "DC", "WY"], code => Assert.NotNull(UsStates.Find(code)));
    }

    [Fact]
    public void Names_are_required_and_at_most_100_characters()
    {
        var errors = new ProfileInput { FirstName = "  ", LastName = new string('x', 101) }.Validate();

        Assert.Equal("Enter your first name.", errors[nameof(ProfileInput.FirstName)]);
        Assert.Equal("Keep your last name to 100 characters.", errors[nameof(ProfileInput.LastName)]);
        Assert.Equal(2, errors.Count); // the address fields are optional
    }

    [Fact]
    public void Normalize_trims_and_turns_blanks_into_null()
    {
        var value = new ProfileInput { FirstName = " Casey ", LastName = "Client", Phone = " ", Street = "  ", City = " Austin ", Zip = "" }.Normalize();

        Assert.Equal("Casey", value.FirstName);
        Assert.Null(value.Phone);
        Assert.Null(value.Street);
        Assert.Equal("Austin", value.City);
        Assert.Null(value.State);
        Assert.Null(value.Zip);
    }

    internal static ProfileInput Valid() => new()
    {
        FirstName = "Casey",
        LastName = "Client",
        Phone = "(512) 555-0100",
        Street = "1 Main St",
        City = "Austin",
        State = "TX",
        Zip = "78701",
    };
}
