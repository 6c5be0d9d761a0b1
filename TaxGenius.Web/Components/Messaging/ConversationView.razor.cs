using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Live;
using TaxGenius.Core.Messaging;
using TaxGenius.Core.Security;
using TaxGenius.Web.Components.Shared;
using TaxGenius.Web.Infrastructure;
using TaxGenius.Web.Infrastructure.Live;

namespace TaxGenius.Web.Components.Messaging;

public sealed partial class ConversationView : IAsyncDisposable
{
    private static readonly TimeSpan TypingShownFor = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan TypingSentEvery = TimeSpan.FromSeconds(2);

    [Inject] private MessageService Messages { get; set; } = default!;
    [Inject] private EngagementService Engagements { get; set; } = default!;
    [Inject] private SsnService Ssn { get; set; } = default!;
    [Inject] private DatabaseErrors DatabaseErrors { get; set; } = default!;
    [Inject] private LocalTime LocalTime { get; set; } = default!;
    [Inject] private CircuitClient Client { get; set; } = default!;
    [Inject] private LiveClient Live { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    /// <summary>The client whose conversation this is.</summary>
    [Parameter, EditorRequired] public Guid ClientId { get; set; }

    /// <summary>Seen by the firm (notes, reveal, filing) rather than by the client.</summary>
    [Parameter] public bool IsStaff { get; set; }

    private readonly List<IDisposable> subscriptions = [];
    private readonly Dictionary<Guid, string> revealed = [];
    private MessageViewer viewer = default!;
    private MessageThread? thread;
    private IReadOnlyList<MessageReference> references = [];
    private List<MessageReference> openItems = [];
    private IReadOnlyList<int> years = [];
    private bool loadFailed;
    private bool loaded;
    private string? draft;
    private Guid? aboutId;
    private bool asNote;
    private bool attaching;
    private bool sending;
    private MessageView? editing;
    private string? typing;
    private int typingVersion;
    private DateTimeOffset lastTypingSent;
    private IJSObjectReference? live;
    private IJSObjectReference? scroller;
    private ElementReference list;
    private int shownCount = -1;
    private bool readOnOpen;

    /// <summary>Staff: the client's returns, newest first, linked beside their name (answering "when do you file?" starts there).</summary>
    private IReadOnlyList<ClientReturnLink> returns = [];
    private int disposed;
    private LiveMark liveMark;

    private string Group => LiveGroups.Conversation(ClientId);

    protected override async Task OnInitializedAsync()
    {
        // Before anything is loaded: live events that arrive from here until the page subscribes are handed to it then.
        liveMark = Live.Mark();
        var user = (await AuthenticationState).User;
        viewer = new MessageViewer(Client.ActorFor(user), IsStaff);
        years = TaxYears.Selectable(Clock);
        await LoadThreadAsync(recordView: true);
    }

    /// <summary>
    /// The latest messages, then what the other side wrote is read; opening the page is audited for staff, a refresh of what the page
    /// shows is not.
    /// </summary>
    private async Task LoadAsync()
    {
        await LoadThreadAsync(recordView: false);
        await MarkReadAsync();
    }

    /// <summary>A message arrived, or the live connection came back: shown first, then marked read (a write the person need not wait for).</summary>
    private Task ShowLatestAsync() => InvokeAsync(async () =>
    {
        await LoadThreadAsync(recordView: false);
        StateHasChanged();
        await MarkReadAsync();
    });

    /// <summary>The person is looking at the conversation (the page is interactive): what the other side wrote is read now.</summary>
    private async Task MarkReadAsync()
    {
        if (thread is not null && RendererInfo.IsInteractive)
        {
            await DatabaseErrors.RunAsync(() => Messages.MarkReadAsync(viewer, ClientId));
        }
    }

    private async Task LoadThreadAsync(bool recordView)
    {
        loadFailed = !await DatabaseErrors.RunAsync(async () =>
        {
            thread = await Messages.ThreadAsync(viewer, ClientId, recordView: recordView);
            references = await Messages.ReferencesAsync(viewer, ClientId);
            openItems = references.Where(r => !r.IsDocument).ToList();
            if (IsStaff && thread is not null && recordView)
            {
                returns = await Engagements.ReturnsOfClientAsync(ClientId);
            }
        });
        loaded = !loadFailed;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!RendererInfo.IsInteractive)
        {
            return;
        }

        // The newest message in sight: at first, and when one arrives (unless the person scrolled up to read older ones).
        if (thread is { } shown && shown.Messages.Count != shownCount)
        {
            var first = shownCount < 0;
            shownCount = shown.Messages.Count;
            await ScrollToEndAsync(force: first);
        }

        await MarkReadOnOpenAsync();
        if (!firstRender)
        {
            return;
        }

        subscriptions.Add(Live.On<MessagePosted>(MessageEvents.Posted, posted => posted.ClientId == ClientId ? ShowLatestAsync() : Task.CompletedTask, liveMark));
        subscriptions.Add(Live.On<MessagesRead>(MessageEvents.Read, read => read.ClientId == ClientId && read.ByStaff != IsStaff ? ReloadAsync() : Task.CompletedTask, liveMark));
        subscriptions.Add(Live.On<MessageChanged>(MessageEvents.Changed, changed => changed.ClientId == ClientId ? ReloadAsync() : Task.CompletedTask, liveMark));
        subscriptions.Add(Live.On<Typing>(MessageEvents.Typing, t => t.ClientId == ClientId && t.Staff != IsStaff ? ShowTypingAsync(t.Name) : Task.CompletedTask, since: null));
        subscriptions.Add(Live.OnResync(ShowLatestAsync, liveMark));

        // Typing indicators travel in the conversation's group (the hub checks this user may follow it).
        try
        {
            live = await JS.InvokeAsync<IJSObjectReference>("import", "./js/live.js");
            await live.InvokeAsync<bool>("follow", Group);
        }
        catch (Exception ex) when (ex is JSDisconnectedException or JSException or TaskCanceledException)
        {
            // Without typing indicators the conversation still works.
        }
    }

    /// <summary>
    /// Read once the person sees the conversation: after the first render that shows it. The very first render can come before the
    /// messages are loaded (a spinner), and marking read then did nothing: the badge stayed until the next message.
    /// </summary>
    private async Task MarkReadOnOpenAsync()
    {
        if (thread is null || readOnOpen)
        {
            return;
        }

        readOnOpen = true;
        await MarkReadAsync();
    }

    private async Task ScrollToEndAsync(bool force)
    {
        try
        {
            scroller ??= await JS.InvokeAsync<IJSObjectReference>("import", "./js/messages.js");
            await scroller.InvokeVoidAsync("scrollToEnd", list, force);
        }
        catch (Exception ex) when (ex is JSDisconnectedException or JSException or TaskCanceledException)
        {
            // Scrolling is a convenience.
        }
    }

    private Task ReloadAsync() => InvokeAsync(async () =>
    {
        await DatabaseErrors.RunAsync(async () => thread = await Messages.ThreadAsync(viewer, ClientId, recordView: false));
        StateHasChanged();
    });

    private async Task LoadOlderAsync()
    {
        if (thread is not { Messages.Count: > 0 } current)
        {
            return;
        }

        await DatabaseErrors.RunAsync(async () =>
        {
            if (await Messages.ThreadAsync(viewer, ClientId, before: current.Messages[0].SentAt, recordView: false) is { } older)
            {
                thread = current with { Messages = [.. older.Messages, .. current.Messages], HasOlder = older.HasOlder };
            }
        });
    }

    private async Task SendAsync()
    {
        if (string.IsNullOrWhiteSpace(draft) || sending)
        {
            return;
        }

        sending = true;
        try
        {
            var text = draft;
            // A client about to send an SSN: warned first, offered the profile's encrypted field instead.
            if (!IsStaff && editing is null && SsnText.First(text) is { } ssn)
            {
                var dialog = await Dialogs.ShowAsync<SsnWarningDialog>("Is that a Social Security number?",
                    new DialogParameters<SsnWarningDialog> { { d => d.Masked, SsnProtector.Mask(ssn) } },
                    new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
                switch (await dialog.Result)
                {
                    case { Canceled: false, Data: SsnWarningChoice.SaveToProfile }:
                        SsnSaveResult saved = default!;
                        if (!await DatabaseErrors.RunAsync(async () => saved = await Ssn.SetAsync(viewer.UserId, ssn)))
                        {
                            return;
                        }

                        if (!saved.Succeeded)
                        {
                            Snackbar.Add(saved.Error!, Severity.Warning);
                            return;
                        }

                        Snackbar.Add($"Saved to your profile as {saved.Masked}.", Severity.Success);
                        text = SsnText.Replace(text, "[SSN saved to my profile]");
                        break;
                    case { Canceled: false, Data: SsnWarningChoice.SendAnyway }:
                        break;
                    default:
                        return;
                }
            }

            MessageResult result = default!;
            if (!await DatabaseErrors.RunAsync(async () => result = editing is { } edited
                    ? await Messages.EditAsync(viewer, edited.Id, text)
                    : await Messages.SendAsync(viewer, ClientId, text, asNote ? MessageKind.InternalNote : MessageKind.Message, Refs())))
            {
                return;
            }

            if (!result.Succeeded)
            {
                Snackbar.Add(result.Error!, Severity.Warning);
                return;
            }

            Snackbar.Add(editing is not null ? "Message changed." : asNote ? "Note added: only staff see it." : "Message sent.", Severity.Success);
            draft = null;
            aboutId = null;
            editing = null;
            attaching = false;
            await LoadAsync();
        }
        finally
        {
            sending = false;
        }
    }

    private MessageRefs Refs() => aboutId is { } id && references.FirstOrDefault(r => r.Id == id) is { } reference
        ? reference.IsDocument ? new MessageRefs(DocumentId: reference.Id) : new MessageRefs(RequestItemId: reference.Id)
        : MessageRefs.None;

    private async Task AttachUploadedAsync()
    {
        await DatabaseErrors.RunAsync(async () =>
        {
            references = await Messages.ReferencesAsync(viewer, ClientId);
            // The newest document is the one just uploaded: the message carries it.
            aboutId = references.FirstOrDefault(r => r.IsDocument)?.Id;
        });
        attaching = false;
        Snackbar.Add("Uploaded. Your message will carry it: write a line and send.", Severity.Info);
    }

    private void StartEdit(MessageView message)
    {
        editing = message;
        draft = message.Text;
        asNote = false;
    }

    private void CancelEdit()
    {
        editing = null;
        draft = null;
    }

    private async Task RemoveAsync(MessageView message)
    {
        if (!await Dialogs.ConfirmAsync("Remove message?", "The text is deleted for everyone; a \"Message removed\" marker stays in the conversation.", "Remove", "Keep it"))
        {
            return;
        }

        MessageResult result = default!;
        if (await DatabaseErrors.RunAsync(async () => result = await Messages.RemoveAsync(viewer, message.Id)))
        {
            Snackbar.Add(result.Succeeded ? "Message removed." : result.Error!, result.Succeeded ? Severity.Success : Severity.Warning);
            await LoadAsync();
        }
    }

    private async Task RevealAsync(MessageView message)
    {
        string? text = null;
        if (!await DatabaseErrors.RunAsync(async () => text = await Messages.RevealAsync(viewer, message.Id)) || text is null)
        {
            return;
        }

        revealed[message.Id] = text;
        Snackbar.Add("Shown for 30 seconds. This was recorded in the audit log.", Severity.Info);
        _ = HideLaterAsync(message.Id);
    }

    private async Task HideLaterAsync(Guid messageId)
    {
        await Task.Delay(SsnRevealService.VisibleFor, Clock);
        if (Volatile.Read(ref disposed) == 0)
        {
            await InvokeAsync(() =>
            {
                revealed.Remove(messageId);
                StateHasChanged();
            });
        }
    }

    private async Task FileAsync(MessageView message, MessageReference item)
    {
        MessageResult result = default!;
        if (await DatabaseErrors.RunAsync(async () => result = await Messages.FileAttachmentAsync(viewer, message.Id, item.Id)))
        {
            Snackbar.Add(result.Succeeded ? $"Filed as {item.Label}." : result.Error!, result.Succeeded ? Severity.Success : Severity.Warning);
            await LoadAsync();
        }
    }

    /// <summary>At most one "typing" event every two seconds while the person writes.</summary>
    private async Task TypingAsync()
    {
        var now = Clock.GetUtcNow();
        if (string.IsNullOrEmpty(draft) || now - lastTypingSent < TypingSentEvery)
        {
            return;
        }

        lastTypingSent = now;
        // The other side sees a role, not a name: "Your preparer is writing…" / "The client is writing…".
        await Messages.TypingAsync(viewer, ClientId, IsStaff ? "Your preparer" : "The client", asNote);
    }

    private Task ShowTypingAsync(string name) => InvokeAsync(async () =>
    {
        var version = ++typingVersion;
        typing = $"{name} is writing…";
        StateHasChanged();
        await Task.Delay(TypingShownFor, Clock);
        if (version == typingVersion && Volatile.Read(ref disposed) == 0)
        {
            typing = null;
            StateHasChanged();
        }
    });

    private string Local(DateTime utc) => LocalTime.Recent(utc);

    private bool TooLong => draft is { Length: > Message.MaxLength };

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref disposed, 1);
        foreach (var subscription in subscriptions)
        {
            subscription.Dispose();
        }

        if (scroller is not null)
        {
            try
            {
                await scroller.DisposeAsync();
            }
            catch (Exception ex) when (ex is JSDisconnectedException or JSException or TaskCanceledException)
            {
                // The tab is gone already.
            }
        }

        if (live is not null)
        {
            try
            {
                await live.InvokeVoidAsync("unfollow", Group);
                await live.DisposeAsync();
            }
            catch (Exception ex) when (ex is JSDisconnectedException or JSException or TaskCanceledException)
            {
                // The tab is gone already.
            }
        }
    }
}
