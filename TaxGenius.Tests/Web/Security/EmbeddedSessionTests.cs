using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaxGenius.Core.Data;
using TaxGenius.Core.Demo;
using TaxGenius.Core.Sessions;
using TaxGenius.Tests.Infrastructure;

namespace TaxGenius.Tests.Web.Security;

/// <summary>Sessions in the embedded default (SQLite, the in-process cache): the same sign-in, check and revocation.</summary>
public sealed class EmbeddedSessionTests
{
    [Fact]
    public async Task A_session_revoked_in_the_embedded_app_ends_that_sign_in()
    {
        await using var app = TaxGeniusAppFactory.CreateEmbedded();
        using var client = await app.SignInAsync(DemoAccounts.Client);
        using var other = await app.SignInAsync(DemoAccounts.Client);
        var userId = await app.UserIdAsync(DemoAccounts.Client);

        List<Guid> ids;
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<TaxGeniusDbContext>>().CreateDbContextAsync())
        {
            Assert.True(db.Database.IsSqlite());
            ids = await db.UserSessions.Where(s => s.UserId == userId && s.RevokedAt == null).OrderBy(s => s.CreatedAt).Select(s => s.Id).ToListAsync();
        }

        Assert.Equal(2, ids.Count);
        var sessions = app.Services.GetRequiredService<SessionService>();
        Assert.Equal(2, (await sessions.ListAsync(userId)).Count);
        Assert.True(await sessions.RevokeAsync(userId, ids[1]));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/client")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await other.GetAsync("/client")).StatusCode);
    }
}
