namespace TaxGenius.Core.Audit;

/// <summary>
/// One audited action: who (id and e-mail as they were), when, what, on what, from which address. Append-only: the context
/// refuses to update or delete these rows (and PostgreSQL refuses it too, by trigger). No foreign keys, so deleting a user
/// never deletes what they did. Never holds an SSN or a document's content.
/// </summary>
public class AuditEntry
{
    public Guid Id { get; set; }
    public DateTime At { get; set; }
    public Guid? ActorId { get; set; }
    public string? ActorEmail { get; set; }
    public required string Action { get; set; }
    public string? SubjectType { get; set; }
    public Guid? SubjectId { get; set; }

    /// <summary>The client whose data was touched, when there is one (for "who looked at my data").</summary>
    public Guid? SubjectUserId { get; set; }

    public string? Detail { get; set; }
    public string? IpAddress { get; set; }

    /// <summary>The actor's browser (User-Agent, at most 256 characters), for telling devices apart in an incident.</summary>
    public string? UserAgent { get; set; }

    /// <summary>The API token the actor used, when the action came through the API with one (the breach report's "by API token").</summary>
    public Guid? ApiTokenId { get; set; }
}

/// <summary>The actions the app audits.</summary>
public static class AuditActions
{
    public const string DocumentViewed = "document.viewed";
    public const string DocumentDownloaded = "document.downloaded";
    public const string DocumentStatusChanged = "document.status_changed";
    public const string DocumentClaimed = "document.claimed";
    public const string DocumentReassigned = "document.reassigned";
    public const string DocumentNoteAdded = "document.note_added";
    public const string DocumentRecategorized = "document.recategorized";
    public const string DocumentFieldCorrected = "document.field_corrected";
    public const string DocumentFieldsViewed = "document.fields_viewed";
    public const string EngagementFieldsExported = "engagement.fields_exported";
    public const string RequestItemRecognized = "request_item.fulfilled_by_recognition";
    public const string SsnRevealed = "ssn.revealed";
    public const string SsnRevealRefused = "ssn.reveal_refused";
    public const string UserRoleChanged = "user.role_changed";
    public const string UserLocked = "user.locked";
    public const string UserUnlocked = "user.unlocked";
    public const string UserDeactivated = "user.deactivated";
    public const string UserReactivated = "user.reactivated";
    public const string UserDeleted = "user.deleted";
    public const string UserPasswordResetForced = "user.password_reset_forced";
    public const string UserConfirmationResent = "user.confirmation_resent";
    public const string UserInvited = "user.invited";
    public const string UserInvitationAccepted = "user.invitation_accepted";
    public const string UserSessionsEnded = "user.sessions_ended";
    public const string UserCreated = "user.created";
    public const string UserRenamed = "user.renamed";
    public const string ApiTokenCreated = "api_token.created";
    public const string ApiTokenRevoked = "api_token.revoked";
    public const string PayoutRecorded = "payout.recorded";
    public const string ReferrerRateChanged = "referrer.rate_changed";
    public const string FirmSettingsChanged = "firm.settings_changed";
    public const string AuthenticatorReset = "user.authenticator_reset";
    public const string PasskeyAdded = "user.passkey_added";
    public const string PasskeyRemoved = "user.passkey_removed";
    public const string AccountRecovered = "user.recovered_by_email_code";
    public const string EmailResent = "email.resent";
    public const string EngagementStageChanged = "engagement.stage_changed";
    public const string DocumentsRequested = "engagement.documents_requested";
    public const string RequestItemAccepted = "request_item.accepted";
    public const string RequestItemReopened = "request_item.reopened";
    public const string ClientReminded = "engagement.reminded";
    public const string RemindersPaused = "engagement.reminders_paused";
    public const string RemindersResumed = "engagement.reminders_resumed";
    public const string TaxYearStarted = "engagement.year_started";
    public const string ConversationViewed = "conversation.viewed";
    public const string MessageRemoved = "message.removed";
    public const string MessageSsnRevealed = "message.ssn_revealed";
    public const string MessageAttachmentFiled = "message.attachment_filed";
    public const string SignatureRequestCreated = "signature.created";
    public const string SignatureRequestSent = "signature.sent";
    public const string SignatureRequestResent = "signature.resent";
    public const string SignatureRequestVoided = "signature.voided";
    public const string SignatureRequestExpired = "signature.expired";
    public const string SignatureRequestCompleted = "signature.completed";
    public const string SignatureConsented = "signature.consented";
    public const string SignatureSecondFactorPassed = "signature.second_factor_passed";
    public const string SignatureKnowledgePassed = "signature.knowledge_passed";
    public const string SignatureKnowledgeFailed = "signature.knowledge_failed";
    public const string SignatureDocumentViewed = "signature.document_viewed";
    public const string SignatureAdopted = "signature.adopted";
    public const string SignatureSigned = "signature.signed";
    public const string SignatureOriginalViewed = "signature.original_viewed";
    public const string AuditChainVerified = "audit.chain_verified";
    public const string AccessReportExported = "compliance.access_report_exported";
    public const string ConsentGranted = "consent.granted";
    public const string ConsentDeclined = "consent.declined";
    public const string ConsentRevoked = "consent.revoked";
    public const string ClosureRequested = "client.closure_requested";
    public const string DisposalCancelled = "client.disposal_cancelled";
    public const string ClientDisposed = "client.disposed";
    public const string LegalHoldSet = "client.legal_hold_set";
    public const string LegalHoldReleased = "client.legal_hold_released";
    public const string BackupCompleted = "backup.completed";
    public const string KeysRotated = "keys.rotated";

    /// <summary>Every action, for the audit page's filter.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        DocumentViewed, DocumentDownloaded, DocumentStatusChanged, DocumentClaimed, DocumentReassigned, DocumentNoteAdded,
        DocumentRecategorized, DocumentFieldCorrected, DocumentFieldsViewed, EngagementFieldsExported, RequestItemRecognized,
        SsnRevealed, SsnRevealRefused,
        UserRoleChanged, UserLocked, UserUnlocked, UserDeactivated, UserReactivated, UserDeleted, UserPasswordResetForced,
        UserConfirmationResent, UserInvited, UserInvitationAccepted, UserSessionsEnded, UserCreated, UserRenamed,
        ApiTokenCreated, ApiTokenRevoked,
        PayoutRecorded, ReferrerRateChanged,
        FirmSettingsChanged, AuthenticatorReset, PasskeyAdded, PasskeyRemoved, AccountRecovered, EmailResent,
        EngagementStageChanged, DocumentsRequested, RequestItemAccepted, RequestItemReopened,
        ClientReminded, RemindersPaused, RemindersResumed, TaxYearStarted,
        ConversationViewed, MessageRemoved, MessageSsnRevealed, MessageAttachmentFiled,
        SignatureRequestCreated, SignatureRequestSent, SignatureRequestResent, SignatureRequestVoided, SignatureRequestExpired,
        SignatureRequestCompleted, SignatureConsented, SignatureSecondFactorPassed, SignatureKnowledgePassed, SignatureKnowledgeFailed,
        SignatureDocumentViewed, SignatureAdopted, SignatureSigned, SignatureOriginalViewed,
        AuditChainVerified, AccessReportExported, ConsentGranted, ConsentDeclined, ConsentRevoked,
        ClosureRequested, DisposalCancelled, ClientDisposed, LegalHoldSet, LegalHoldReleased, BackupCompleted, KeysRotated,
    ];
}

/// <summary>Who is acting, as the audit records them.</summary>
public sealed record AuditActor(Guid UserId, string? Email, string? IpAddress, bool IsAdmin = false, string? UserAgent = null, Guid? ApiTokenId = null);
