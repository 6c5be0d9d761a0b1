namespace TaxGenius.Web.Components.Messaging;

public enum SsnWarningChoice
{
    SaveToProfile,
    SendAnyway,
}
