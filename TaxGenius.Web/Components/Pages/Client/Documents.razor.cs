using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Live;
using TaxGenius.Core.Recognition;
using TaxGenius.Web.Components.Shared;
using TaxGenius.Web.Infrastructure;
using TaxGenius.Web.Infrastructure.Live;

namespace TaxGenius.Web.Components.Pages.Client;

/// <summary>
/// /client/documents: the upload queue (<see cref="UploadQueue"/>) and the client's documents, with their status changing live,
/// delete while PENDING and replace when REJECTED.
/// </summary>
public partial class Documents
{
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Inject] private DatabaseErrors DatabaseErrors { get; set; } = default!;

    [Inject] private DocumentRequestService Requests { get; set; } = default!;

    /// <summary>The requested item to upload into (from the client home's "Upload" on a line of the checklist).</summary>
    // Read as text: a link with a mangled id opens the page as usual instead of failing to bind (a Guid? parameter threw).
    [SupplyParameterFromQuery(Name = "item")] private string? ItemQuery { get; set; }

    private Guid? ItemId => Guid.TryParse(ItemQuery, out var id) ? id : null;

    private (RequestItemView Item, int TaxYear)? forItem;

    private IReadOnlyList<DocumentView>? documents;
    private IReadOnlyList<int> years = [];
    private DocumentView? replacing;
    private DocumentView? retaking;
    private IDisposable? subscription;
    private IDisposable? recognized;
    private bool busy;
    private IDisposable? resync;
    private string? version;
    private bool loadFailed;
    private Guid userId;

    private LiveMark liveMark;

    protected override async Task OnInitializedAsync()
    {
        // Before anything is loaded: live events that arrive from here until the page subscribes are handed to it then.
        liveMark = Live.Mark();
        userId = (await AuthenticationState).User.GetUserId();
        years = TaxYears.Selectable(Clock);
        loadFailed = !await DatabaseErrors.RunAsync(LoadAsync);
        if (ItemId is { } itemId)
        {
            await DatabaseErrors.RunAsync(async () => forItem = await Requests.FindForClientAsync(userId, itemId));
        }
    }

    private async Task RetryLoadAsync() => loadFailed = !await DatabaseErrors.RunAsync(LoadAsync);

    private async Task LoadAsync()
    {
        version = await DocumentService.GetVersionAsync(userId);
        documents = await DocumentService.ListAsync(userId);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            subscription = Live.On<DocumentStatusChanged>(LiveEventNames.Document, change => InvokeAsync(async () =>
            {
                if (!await DatabaseErrors.RunAsync(LoadAsync))
                {
                    return;
                }

                var name = documents?.FirstOrDefault(d => d.Id == change.DocumentId)?.FileName ?? "A document";
                Snackbar.Add($"{name} is now {DocumentStateMachine.Name(change.Status)}.", change.Status == DocumentStatus.Rejected ? Severity.Warning : Severity.Info);
                StateHasChanged();
            }), liveMark);

            // A document was read: a suggestion may show, or a requested item may now be fulfilled by it.
            recognized = Live.On<DocumentRecognized>(LiveEventNames.Recognition, change => InvokeAsync(async () =>
            {
                if (!await DatabaseErrors.RunAsync(LoadAsync))
                {
                    return;
                }

                // A copy of an earlier upload: its notice above stands, and is the only question asked about it until it is kept.
                if (documents?.FirstOrDefault(d => d.Id == change.DocumentId) is { Duplicate: null } document)
                {
                    if (document.Suggestion is { } suggestion)
                    {
                        Snackbar.Add($"{document.FileName}: {suggestion.Message} See above.", Severity.Warning, key: AdviceKey(document.Id));
                    }
                    else if (document.RetakeSuggested)
                    {
                        Snackbar.Add($"{document.FileName} looks blurred: see above.", Severity.Warning, key: AdviceKey(document.Id));
                    }
                    else
                    {
                        // Settled elsewhere (the preparer filed it as read, or another tab): the warning above no longer holds.
                        Snackbar.RemoveByKey(AdviceKey(document.Id));
                        if (change.FulfilledRequestItemId is not null)
                        {
                            Snackbar.Add($"{document.FileName} was matched to an item on your checklist.", Severity.Success);
                        }
                    }
                }

                StateHasChanged();
            }), liveMark);

            // The live channel was away: changes made meanwhile were not heard. Reload only if something changed.
            resync = Live.OnResync(() => InvokeAsync(async () =>
            {
                await DatabaseErrors.RunAsync(async () =>
                {
                    if (await DocumentService.GetVersionAsync(userId) != version)
                    {
                        await LoadAsync();
                        Snackbar.Add("Your documents were updated while the live connection was away.", Severity.Info);
                        StateHasChanged();
                    }
                });
            }), liveMark);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> with the page's advice buttons disabled (a second click would act twice); false when the database
    /// did not answer, which the page has then said.
    /// </summary>
    private async Task<bool> WhileBusyAsync(Func<Task> work, [System.Runtime.CompilerServices.CallerMemberName] string operation = "")
    {
        busy = true;
        try
        {
            return await DatabaseErrors.RunAsync(work, operation);
        }
        finally
        {
            busy = false;
        }
    }

    /// <summary>The key of a document's "looks like a 1099-INT" or "looks blurred" warning, taken away once the client acts on it.</summary>
    private static string AdviceKey(Guid documentId) => $"advice-{documentId:N}";

    /// <summary>After uploads: the list as it is now, and a word about a file that was uploaded before.</summary>
    private async Task RefreshAsync()
    {
        var before = documents?.Select(d => d.Id).ToHashSet() ?? [];
        if (!await DatabaseErrors.RunAsync(LoadAsync))
        {
            return;
        }

        foreach (var copy in documents!.Where(d => d.Duplicate is not null && !before.Contains(d.Id)))
        {
            Snackbar.Add($"{copy.FileName} is the same file as {copy.Duplicate!.FileName}: see above.", Severity.Warning, key: AdviceKey(copy.Id));
        }
    }

    /// <summary>
    /// What the client is told about a copy of an earlier upload: when it came and where it stands, and, when the firm sent it back,
    /// why (the same file again does not fix that).
    /// </summary>
    private string DuplicateMessage(DuplicateUpload earlier) => earlier.Status == DocumentStatus.Rejected
        ? $"this is the same file as {earlier.FileName}, which your preparer sent back{(earlier.RejectionReason is { } reason ? $" ({reason})" : "")}. The same file will not fix that: remove this copy and upload a new one."
        : $"this is the same file as {earlier.FileName}, uploaded {LocalTime.Recent(earlier.UploadedAt)} ({DocumentStateMachine.Name(earlier.Status)}). Your preparer needs it only once.";

    /// <summary>Removes a copy of an earlier upload (no confirmation: the earlier one has the same bytes, so nothing is lost).</summary>
    private async Task RemoveCopyAsync(DocumentView copy)
    {
        Snackbar.RemoveByKey(AdviceKey(copy.Id));
        DeleteOutcome outcome = default;
        if (!await WhileBusyAsync(async () =>
            {
                outcome = await DocumentService.DeleteAsync(userId, copy.Id);
                await LoadAsync();
            }))
        {
            return;
        }

        Snackbar.Add(outcome switch
        {
            DeleteOutcome.Deleted => $"The copy was removed; {copy.Duplicate!.FileName} is still there.",
            DeleteOutcome.NotPending => "The firm has already started on this copy, so it stays; they will see it is the same file.",
            _ => "That copy no longer exists.",
        }, outcome == DeleteOutcome.Deleted ? Severity.Success : Severity.Info);
    }

    private async Task KeepCopyAsync(DocumentView copy)
    {
        Snackbar.RemoveByKey(AdviceKey(copy.Id));
        if (await DatabaseErrors.RunAsync(async () =>
            {
                await DocumentService.KeepDuplicateAsync(userId, copy.Id);
                await LoadAsync();
            }))
        {
            Snackbar.Add($"Both stay: {copy.FileName} and {copy.Duplicate!.FileName}.", Severity.Info);
        }
    }

    private void StartReplace(DocumentView document)
    {
        replacing = document;
        Snackbar.Add($"Choose the new file for {document.FileName}.", Severity.Info);
    }

    private void StartRetake(DocumentView document)
    {
        (retaking, replacing, forItem) = (document, null, null);
        Snackbar.RemoveByKey(AdviceKey(document.Id));
        Snackbar.Add($"Choose the new {document.PictureWord} for {document.FileName}.", Severity.Info);
    }

    /// <summary>The new photo for a blurred one is stored: the blurred one goes, unless the firm has started on it meanwhile.</summary>
    private async Task RemoveRetakenAsync(Guid blurredId)
    {
        var name = documents?.FirstOrDefault(d => d.Id == blurredId)?.FileName ?? "The blurred photo";
        DeleteOutcome outcome = default;
        if (!await DatabaseErrors.RunAsync(async () => outcome = await DocumentService.DeleteAsync(userId, blurredId)))
        {
            return;
        }

        Snackbar.Add(outcome == DeleteOutcome.NotPending
            ? $"The firm had already started on {name}, so it stays beside the new one."
            : $"{name} was removed; the new one is being read.", outcome == DeleteOutcome.NotPending ? Severity.Info : Severity.Success);
    }

    private async Task KeepPictureAsync(DocumentView document)
    {
        Snackbar.RemoveByKey(AdviceKey(document.Id));
        if (await DatabaseErrors.RunAsync(async () =>
            {
                await DocumentService.DismissSuggestionAsync(userId, document.Id);
                await LoadAsync();
            }))
        {
            Snackbar.Add($"{document.FileName} stays as it is; your preparer will ask if they cannot read it.", Severity.Info);
        }
    }

    private async Task DeleteAsync(DocumentView document)
    {
        if (!await Dialogs.ConfirmAsync("Delete document?",
                $"{document.FileName} will be removed for good. You can only do this while it is still PENDING.", "Delete", "Keep it"))
        {
            return;
        }

        DeleteOutcome outcome = default;
        if (!await DatabaseErrors.RunAsync(async () =>
            {
                outcome = await DocumentService.DeleteAsync(userId, document.Id);
                await LoadAsync();
            }))
        {
            return;
        }

        switch (outcome)
        {
            case DeleteOutcome.Deleted:
                Snackbar.RemoveByKey(AdviceKey(document.Id));
                Snackbar.Add($"{document.FileName} deleted.", Severity.Success);
                break;
            case DeleteOutcome.NotPending:
                Snackbar.Add("The firm has already started on this document, so it can no longer be deleted.", Severity.Warning);
                break;
            default:
                Snackbar.Add("That document no longer exists.", Severity.Info);
                break;
        }
    }

    private async Task AcceptSuggestionAsync(DocumentView document)
    {
        Snackbar.RemoveByKey(AdviceKey(document.Id));
        string? error = null;
        if (!await WhileBusyAsync(async () =>
            {
                error = await DocumentService.AcceptSuggestionAsync(userId, document.Id);
                await LoadAsync();
            }))
        {
            return;
        }

        var now = documents?.FirstOrDefault(d => d.Id == document.Id);
        Snackbar.Add(error ?? $"{document.FileName} is now filed as {now?.Type.DisplayName()} for {now?.TaxYear}.", error is null ? Severity.Success : Severity.Warning);
    }

    private async Task DismissSuggestionAsync(DocumentView document)
    {
        Snackbar.RemoveByKey(AdviceKey(document.Id));
        if (await DatabaseErrors.RunAsync(async () =>
            {
                await DocumentService.DismissSuggestionAsync(userId, document.Id);
                await LoadAsync();
            }))
        {
            Snackbar.Add($"{document.FileName} stays {document.Type.DisplayName()} for {document.TaxYear}.", Severity.Info);
        }
    }

    public void Dispose()
    {
        subscription?.Dispose();
        recognized?.Dispose();
        resync?.Dispose();
    }
}
