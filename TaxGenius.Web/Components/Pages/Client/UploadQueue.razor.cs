using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.JSInterop;
using MudBlazor;
using TaxGenius.Core.Common;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;

namespace TaxGenius.Web.Components.Pages.Client;

/// <summary>
/// The upload queue of the documents page: files picked or dropped get a type (guessed from the name) and a tax year, then upload
/// two at a time through js/documents.js (XHR, so each shows real progress), cancellable, retried on demand.
/// </summary>
public partial class UploadQueue : IAsyncDisposable
{
    private enum UploadState { Ready, Uploading, Done, Failed, Cancelled }

    private sealed class UploadItem
    {
        public string Id { get; } = Guid.NewGuid().ToString("N");
        public required string FileKey { get; init; }
        public required string Name { get; init; }
        public long Size { get; init; }
        public DocumentType? Type { get; set; }
        public int TaxYear { get; set; }
        public Guid? Replaces { get; init; }
        public Guid? Retakes { get; init; }

        /// <summary>The document the upload created, once stored.</summary>
        public Guid? DocumentId { get; set; }
        public Guid? RequestItemId { get; init; }
        public string? ForDescription { get; init; }
        public UploadState State { get; set; }
        public long Sent { get; set; }
        public double Percent => Size == 0 ? 0 : Math.Min(100, Sent * 100.0 / Size);
        public string? Error { get; set; }

        /// <summary>Failed for what the file is (its kind, its size, empty): sending it again would fail again.</summary>
        public bool Final { get; set; }

        /// <summary>Waiting to be sent, or worth sending again.</summary>
        public bool Sendable => State is UploadState.Ready or UploadState.Cancelled || State == UploadState.Failed && !Final;
        public bool ShowTypeError { get; set; }
        public TaskCompletionSource? Finished { get; set; }
    }

    /// <summary>The rejected document the next files replace, if any (cleared once files are chosen).</summary>
    [Parameter] public DocumentView? Replacing { get; set; }

    [Parameter] public EventCallback<DocumentView?> ReplacingChanged { get; set; }

    /// <summary>The blurred photo the next file is taken again for (its type and year carry over; cleared once a file is chosen).</summary>
    [Parameter] public DocumentView? Retaking { get; set; }

    [Parameter] public EventCallback<DocumentView?> RetakingChanged { get; set; }

    /// <summary>After the new photo for a blurred one was uploaded, with the blurred one's id (the page then removes it).</summary>
    [Parameter] public EventCallback<Guid> OnRetaken { get; set; }

    [Parameter, EditorRequired] public IReadOnlyList<int> Years { get; set; } = [];

    /// <summary>The requested item the next files answer ("W-2 from Acme Corp"), with its tax year; null for a plain upload.</summary>
    [Parameter] public (RequestItemView Item, int TaxYear)? ForItem { get; set; }

    [Parameter] public EventCallback<(RequestItemView Item, int TaxYear)?> ForItemChanged { get; set; }

    /// <summary>After a round of uploads in which at least one finished.</summary>
    [Parameter] public EventCallback OnUploaded { get; set; }

    private readonly List<UploadItem> queue = [];
    private MudFileUpload<IReadOnlyList<IBrowserFile>>? fileUpload;
    private ElementReference zone;
    private IJSObjectReference? module;
    private DotNetObjectReference<UploadQueue>? self;
    private bool interactive;
    private bool dragging;

    /// <summary>What the next files are for (a replacement, a retake, a checklist line), to bring the queue into view when it changes.</summary>
    private Guid? target;
    private bool reveal;

    protected override void OnParametersSet()
    {
        // "Replace" and "Upload a sharper photo" are pressed further down the page (far down on a phone): show where the file goes.
        var now = Replacing?.Id ?? Retaking?.Id ?? ForItem?.Item.Id;
        reveal |= now is not null && now != target;
        target = now;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            module = await JS.InvokeAsync<IJSObjectReference>("import", "./js/documents.js");
            await module.InvokeVoidAsync("watch", zone);
            self = DotNetObjectReference.Create(this);
            interactive = true;
            StateHasChanged();
        }

        if (reveal && module is not null)
        {
            reveal = false;
            await module.InvokeVoidAsync("reveal", zone);
        }
    }

    private async Task OnFilesChanged(InputFileChangeEventArgs e)
    {
        foreach (var file in e.GetMultipleFiles(20))
        {
            var item = new UploadItem
            {
                FileKey = $"{file.Name}|{file.Size}|{file.LastModified.ToUnixTimeMilliseconds()}",
                Name = file.Name,
                Size = file.Size,
                Type = (Replacing ?? Retaking)?.Type
                    ?? (ForItem is { } target ? RequestKinds.DocumentType(target.Item.Kind) : DocumentTypeExtensions.GuessFromFileName(file.Name)),
                TaxYear = (Replacing ?? Retaking)?.TaxYear ?? ForItem?.TaxYear ?? TaxYears.Current(Clock),
                Replaces = Replacing?.Id,
                Retakes = Replacing is null ? Retaking?.Id : null,
                RequestItemId = ForItem?.Item.Id,
                ForDescription = ForItem?.Item.Description,
            };
            if (file.Size > DocumentService.MaxFileBytes)
            {
                item.State = UploadState.Failed;
                item.Final = true;
                item.Error = ClientDocumentService.TooLargeMessage(DocumentService.MaxFileBytes, file.Size);
            }
            else if (file.Size == 0)
            {
                item.State = UploadState.Failed;
                item.Final = true;
                item.Error = "This file is empty (0 bytes). Choose the file again; if it came from a scanner or an app, save it again first.";
            }
            else if (Path.GetExtension(file.Name) is { Length: > 1 } extension && DocumentFileKinds.FromExtension(extension) is null
                     && DocumentFileKinds.FromContentType(file.ContentType) is null)
            {
                // A name without an extension goes to the server, which reads the content; a .txt or .docx is refused here at once.
                item.State = UploadState.Failed;
                item.Final = true;
                item.Error = $"This is a {extension.ToLowerInvariant()} file. Upload a {DocumentFileKinds.AcceptedList} file: the form as a PDF, or a photo or scan of it.";
            }

            queue.Add(item);
        }

        if (Replacing is not null)
        {
            await ReplacingChanged.InvokeAsync(null);
        }

        if (ForItem is not null)
        {
            await ForItemChanged.InvokeAsync(null);
        }

        if (Retaking is not null)
        {
            await RetakingChanged.InvokeAsync(null);
        }
    }

    private async Task UploadAllAsync()
    {
        var pending = queue.Where(i => i.Sendable).ToList();
        if (pending.Any(i => i.Type is null))
        {
            pending.ForEach(i => i.ShowTypeError = true);
            Snackbar.Add("Choose a document type for each file.", Severity.Warning);
            return;
        }

        // Two at a time: quick on a good connection, gentle on a phone's.
        using var gate = new SemaphoreSlim(2);
        var succeeded = 0;
        await Task.WhenAll(pending.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                if (await UploadOneAsync(item))
                {
                    Interlocked.Increment(ref succeeded);
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        // The blurred photo goes only once its new one is stored: nothing is lost if the upload fails.
        foreach (var retaken in pending.Where(i => i.State == UploadState.Done && i.Retakes is not null).Select(i => i.Retakes!.Value).Distinct().ToList())
        {
            await OnRetaken.InvokeAsync(retaken);

            // The blurred photo's own finished line would only repeat a file the list no longer shows.
            queue.RemoveAll(i => i.State == UploadState.Done && i.DocumentId == retaken);
        }

        if (succeeded > 0)
        {
            await OnUploaded.InvokeAsync();
            Snackbar.Add(succeeded == 1 ? "1 document uploaded." : $"{succeeded} documents uploaded.", Severity.Success);
        }

        // Every file still not stored, those refused before sending (empty, too large, not a document) included.
        var failed = queue.Count(i => i.State == UploadState.Failed);
        if (failed > 0)
        {
            Snackbar.Add(failed == 1 ? "1 file was not uploaded: see the message under it." : $"{failed} files were not uploaded: see the messages under them.", Severity.Error);
        }
    }

    private async Task<bool> UploadOneAsync(UploadItem item)
    {
        if (module is null || self is null)
        {
            return false;
        }

        item.State = UploadState.Uploading;
        item.Error = null;
        item.Sent = 0;
        item.Finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StateHasChanged();

        var headers = new Dictionary<string, string>
        {
            ["X-File-Name"] = Uri.EscapeDataString(item.Name),
            ["X-Document-Type"] = SeedEnumNames<DocumentType>.ToName(item.Type!.Value),
            ["X-Tax-Year"] = item.TaxYear.ToString(CultureInfo.InvariantCulture),
        };
        if (Antiforgery.GetAntiforgeryToken() is { } token)
        {
            headers["X-CSRF-TOKEN"] = token.Value;
        }

        if (item.Replaces is { } replaces)
        {
            headers["X-Replaces"] = replaces.ToString();
        }

        if (item.RequestItemId is { } requestItem)
        {
            headers["X-Request-Item"] = requestItem.ToString();
        }

        await module.InvokeVoidAsync("start", item.Id, item.FileKey, "api/documents", headers, self);
        await item.Finished.Task;
        return item.State == UploadState.Done;
    }

    [JSInvokable]
    public Task UploadProgress(string id, double loaded, double total) => InvokeAsync(() =>
    {
        if (queue.FirstOrDefault(i => i.Id == id) is { State: UploadState.Uploading } item)
        {
            item.Sent = (long)Math.Min(loaded, item.Size);
            StateHasChanged();
        }
    });

    [JSInvokable]
    public Task UploadFinished(string id, int status, string body) => InvokeAsync(() =>
    {
        if (queue.FirstOrDefault(i => i.Id == id) is not { } item)
        {
            return;
        }

        (item.State, item.Error) = status switch
        {
            >= 200 and < 300 => (UploadState.Done, null),
            -2 => (UploadState.Cancelled, "Upload cancelled. Nothing was kept."),
            -1 => (UploadState.Failed, "The browser no longer has this file. Remove it and choose it again."),
            0 => (UploadState.Failed, "The connection dropped during the upload. Nothing was kept; try again."),
            _ => (UploadState.Failed, ProblemDetail(body) ?? $"The upload failed (HTTP {status}). Nothing was kept; try again."),
        };
        // Refused for what the file is (not a document, too large): the same file would be refused again.
        item.Final = status is StatusCodes.Status415UnsupportedMediaType or StatusCodes.Status413PayloadTooLarge;
        if (item.State == UploadState.Done)
        {
            item.Sent = item.Size;
            item.DocumentId = CreatedId(body);
        }

        item.Finished?.TrySetResult();
        StateHasChanged();
    });

    private async Task CancelAsync(UploadItem item)
    {
        if (module is not null)
        {
            await module.InvokeVoidAsync("cancel", item.Id);
        }
    }

    private async Task RemoveAsync(UploadItem item)
    {
        queue.Remove(item);
        if (module is not null)
        {
            await module.InvokeVoidAsync("forget", item.FileKey);
        }
    }

    private void ClearFinished() => queue.RemoveAll(i => i.State is UploadState.Done or UploadState.Cancelled);

    /// <summary>The new document's id from the API's 201 answer.</summary>
    private static Guid? CreatedId(string body) => FromBody<Guid?>(body, "id", id => id.TryGetGuid(out var value) ? value : null);

    /// <summary>The message of the API's problem details.</summary>
    private static string? ProblemDetail(string body) => FromBody(body, "detail", detail => detail.GetString());

    /// <summary>One property of the API's JSON answer, read by <paramref name="read"/>; the default when the body is not JSON or lacks it.</summary>
    private static T? FromBody<T>(string body, string property, Func<JsonElement, T?> read)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty(property, out var value) ? read(value) : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string UploadLabel(int count) => count switch
    {
        0 => "Upload",
        1 => "Upload 1 file",
        _ => $"Upload {count} files",
    };

    private static string FileIcon(string name) => DocumentFileKinds.FromExtension(Path.GetExtension(name)) switch
    {
        DocumentFileKind.Pdf => Icons.Material.Filled.PictureAsPdf,
        null => Icons.Material.Filled.InsertDriveFile,
        _ => Icons.Material.Filled.Image,
    };

    public async ValueTask DisposeAsync()
    {
        if (module is not null)
        {
            try
            {
                foreach (var item in queue.Where(i => i.State == UploadState.Uploading))
                {
                    await module.InvokeVoidAsync("cancel", item.Id);
                }

                await module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }

        self?.Dispose();
        GC.SuppressFinalize(this);
    }
}
