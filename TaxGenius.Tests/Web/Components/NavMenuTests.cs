using Bunit;
using TaxGenius.Core.Identity;
using TaxGenius.Tests.Infrastructure;
using TaxGenius.Web.Components.Layout;

namespace TaxGenius.Tests.Web.Components;

public sealed class NavMenuTests : MudBunitContext
{
    [Theory]
    [InlineData(Policies.Client, new[] { "nav-client", "nav-client-profile", "nav-client-documents" })]
    [InlineData(Policies.Preparer, new[] { "nav-preparer", "nav-preparer-board", "nav-preparer-queue", "nav-preparer-signatures" })]
    [InlineData(Policies.Referrer, new[] { "nav-referrer" })]
    [InlineData(Policies.Admin, new[] { "nav-admin" })]
    public void Shows_only_the_sections_of_the_signed_in_role(string policy, string[] expected)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.test");
        auth.SetPolicies(policy);
        // The messages link (with its live unread badge) is tested in the browser; here only the sections matter.
        ComponentFactories.AddStub<MessagesNavLink>(parameters => $"<span data-stub=\"messages\" data-staff=\"{(parameters.TryGetValue(nameof(MessagesNavLink.IsStaff), out var staff) ? staff : false)}\"></span>");

        var nav = Render<NavMenu>();

        var links = nav.FindAll("[data-testid^='nav-']").Select(e => e.GetAttribute("data-testid")).ToList();
        Assert.Equal(expected, links);
        Assert.Contains("Account settings", nav.Markup, StringComparison.Ordinal);

        // The administration links (users, audit, jobs, e-mail) are for administrators only.
        var messageLinks = nav.FindAll("[data-stub='messages']").Select(e => e.GetAttribute("data-staff")).ToList();
        Assert.Equal(policy == Policies.Client ? ["False"] : policy is Policies.Preparer or Policies.Admin ? ["True"] : [], messageLinks);

        var adminLinks = nav.FindAll("[data-testid^='admin-link-']").Select(e => e.GetAttribute("data-testid")).ToList();
        Assert.Equal(policy == Policies.Admin ? ["admin-link-board", "admin-link-queue", "admin-link-signatures", "admin-link-users", "admin-link-payouts", "admin-link-audit", "admin-link-tokens", "admin-link-settings", "admin-link-compliance", "admin-link-jobs", "admin-link-outbox"] : [], adminLinks);
    }

    [Fact]
    public void Shows_no_role_section_to_a_user_without_a_role()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.test");

        var nav = Render<NavMenu>();

        Assert.Empty(nav.FindAll("[data-testid^='nav-']"));
    }
}
