using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TaxGenius.Core;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Email;
using TaxGenius.Core.Email.Templates;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Live;
using TaxGenius.Core.Messaging;
using TaxGenius.Core.Security;

namespace TaxGenius.Tests.Infrastructure;

/// <summary>
/// The messaging services over one test database and clock, wired as the app wires them: the live hub in process (no browser is
/// connected, so sends go nowhere), e-mail rendered and queued, bodies under a real key ring.
/// </summary>
public sealed class MessagingServices : IDisposable
{
    private readonly ServiceProvider provider;

    public MessagingServices(TestDatabase database, TimeProvider clock, MessagingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTaxGeniusEmailTemplates();
        services.AddSignalR();
        services.AddDistributedMemoryCache();
        services.AddSingleton(clock);
        services.AddSingleton<LiveActivity>();
        services.AddSingleton<LiveChannel>();
        provider = services.BuildServiceProvider();

        Protector = new MessageProtector(Options.Create(new SsnProtectionOptions { Keys = { ["k1"] = Key }, ActiveKeyId = "k1" }));
        Audit = new AuditLog(database.Factory, clock);
        var urls = new PublicUrls(Options.Create(new TaxGeniusOptions { PublicBaseUrl = "https://app.example.test" }));
        var emails = new EmailQueue(database.Factory, provider.GetRequiredService<EmailRenderer>());
        var requests = new DocumentRequestService(database.Factory, Audit, emails, urls, new ReturnStageEmails(emails, urls), clock);
        Messages = new MessageService(database.Factory, Protector, Audit, provider.GetRequiredService<LiveChannel>(), clock, requests);
        Inbox = new InboxService(database.Factory);
        Notifier = new MessageNotifier(database.Factory, emails, urls, Options.Create(options ?? new MessagingOptions()), clock);
    }

    /// <summary>One key for every test: envelopes written by one instance open in the other.</summary>
    public static readonly string Key = MasterKeys.NewKey();

    public MessageProtector Protector { get; }
    public AuditLog Audit { get; }
    public MessageService Messages { get; }
    public InboxService Inbox { get; }
    public MessageNotifier Notifier { get; }

    public static MessageViewer Client(Guid id) => new(new AuditActor(id, null, null), IsStaff: false);

    public static MessageViewer Staff(Guid id) => new(new AuditActor(id, "staff@example.test", "203.0.113.9"), IsStaff: true);

    /// <summary>A user with <paramref name="role"/> (and a profile named <paramref name="firstName"/>).</summary>
    public static async Task<Guid> UserAsync(TestDatabase database, string email, string role, string firstName)
    {
        var id = await TestUsers.CreateAsync(database, email, firstName, "Tester");
        await using var db = await database.Factory.CreateDbContextAsync();
        var roleId = await db.Roles.Where(r => r.Name == role).Select(r => (Guid?)r.Id).SingleOrDefaultAsync();
        if (roleId is null)
        {
            var created = new IdentityRole<Guid>(role) { NormalizedName = role };
            db.Roles.Add(created);
            await db.SaveChangesAsync();
            roleId = created.Id;
        }

        db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = id, RoleId = roleId.Value });
        await db.SaveChangesAsync();
        return id;
    }

    public static Task<Guid> ClientAsync(TestDatabase database, string email, string firstName = "Casey") =>
        UserAsync(database, email, Roles.Client, firstName);

    public void Dispose() => provider.Dispose();
}
