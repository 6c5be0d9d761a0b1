using TaxGenius.E2E.Infrastructure;

namespace TaxGenius.E2E.Pages;

/// <summary>The client's documents page at /client/documents: the upload zone, the upload queue and the list.</summary>
public sealed class DocumentsPage(IPage page)
{
    public async Task GotoAsync()
    {
        await page.GotoAsync("/client/documents");
        await page.WaitForInteractiveAsync();
        // The upload zone is enabled once the page's script module is loaded.
        await Assertions.Expect(page.GetByTestId("choose-files")).ToBeEnabledAsync();
    }

    /// <summary>
    /// What a person does by dropping files or picking them: the files land on the upload's active file input (MudFileUpload
    /// adds a fresh input after each selection and hides the used ones).
    /// </summary>
    public Task ChooseFilesAsync(params string[] paths) =>
        page.Locator("[data-testid='upload-zone'] input[type=file]:not(.d-none)").Last.SetInputFilesAsync(paths);

    public ILocator QueueItem(string fileName) => page.Locator($"[data-testid='upload-item'][data-file-name='{fileName}']");

    public Task StartUploadAsync() => page.GetByTestId("upload-start").ClickAsync();

    public ILocator Row(string fileName) => page.Locator($"[data-testid='document-row'][data-file-name='{fileName}']");

    public ILocator Snackbar => page.Locator(".mud-snackbar");
}
