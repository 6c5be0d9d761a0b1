using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TaxGenius.Core.Email.Templates;

/// <summary>An e-mail ready to send: both bodies plus what the queue needs to know about it.</summary>
public sealed record RenderedEmail(string Subject, string Html, string Text, string TemplateName, bool HighPriority);

/// <summary>Renders an <see cref="EmailTemplate"/> through its Razor component into HTML and plain text, outside any HTTP request.</summary>
public sealed class EmailRenderer(IServiceProvider services, ILoggerFactory loggerFactory)
{
    public async Task<RenderedEmail> RenderAsync(EmailTemplate template, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!typeof(IComponent).IsAssignableFrom(template.ComponentType))
        {
            throw new InvalidOperationException($"{template.GetType().Name}.ComponentType ({template.ComponentType}) is not a Razor component.");
        }

        cancellationToken.ThrowIfCancellationRequested();

        // A scope of its own: the renderer resolves the app's cascading value suppliers, some of which are scoped
        // (authentication state, for one), and the root provider refuses those when scope validation is on.
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggerFactory);
        var body = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?> { ["Model"] = template });
            var output = await renderer.RenderComponentAsync(template.ComponentType, parameters);
            return output.ToHtmlString();
        });

        var html = "<!DOCTYPE html>\n" + body;
        return new RenderedEmail(template.Subject, html, HtmlToText.Convert(html), template.Name, template.HighPriority);
    }
}
