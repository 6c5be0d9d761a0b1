using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using TaxGenius.Core.Documents;
using TaxGenius.Web.Components.Shared;

namespace TaxGenius.Web.Components.Pages.Client;

/// <summary>
/// /client/documents: the upload queue (<see cref="UploadQueue"/>) and the client's documents, with their status changing live,
/// delete while PENDING and replace when REJECTED.
/// </summary>
public partial class Documents
{
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private IReadOnlyList<DocumentView>? documents;
    private IReadOnlyList<int> years = [];
    private DocumentView? replacing;
    private IDisposable? subscription;
    private Guid userId;

    protected override async Task OnInitializedAsync()
    {
        userId = (await AuthenticationState).User.GetUserId();
        years = TaxYears.Selectable(Clock);
        documents = await DocumentService.ListAsync(userId);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            subscription = DocumentEvents.Subscribe(userId, change => InvokeAsync(async () =>
            {
                documents = await DocumentService.ListAsync(userId);
                var name = documents.FirstOrDefault(d => d.Id == change.DocumentId)?.FileName ?? "A document";
                Snackbar.Add($"{name} is now {DocumentStateMachine.Name(change.Status)}.", change.Status == DocumentStatus.Rejected ? Severity.Warning : Severity.Info);
                StateHasChanged();
            }));
        }
    }

    /// <summary>After uploads: the list as it is now.</summary>
    private async Task RefreshAsync() => documents = await DocumentService.ListAsync(userId);

    private void StartReplace(DocumentView document)
    {
        replacing = document;
        Snackbar.Add($"Choose the new file for {document.FileName}.", Severity.Info);
    }

    private async Task DeleteAsync(DocumentView document)
    {
        if (!await Dialogs.ConfirmAsync("Delete document?",
                $"{document.FileName} will be removed for good. You can only do this while it is still PENDING.", "Delete", "Keep it"))
        {
            return;
        }

        var outcome = await DocumentService.DeleteAsync(userId, document.Id);
        documents = await DocumentService.ListAsync(userId);
        switch (outcome)
        {
            case DeleteOutcome.Deleted:
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

    public void Dispose() => subscription?.Dispose();
}
