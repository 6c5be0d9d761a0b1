using TaxGenius.Core.Documents;

namespace TaxGenius.Tests.Core.Documents;

public sealed class DocumentStateMachineTests
{
    /// <summary>Every (from, to, actor) combination and whether the workflow allows it.</summary>
    public static TheoryData<DocumentStatus, DocumentStatus, bool, bool> Table()
    {
        var allowed = new HashSet<(DocumentStatus, DocumentStatus, bool)>
        {
            (DocumentStatus.Pending, DocumentStatus.Processing, false),
            (DocumentStatus.Pending, DocumentStatus.Processing, true),
            (DocumentStatus.Processing, DocumentStatus.Completed, false),
            (DocumentStatus.Processing, DocumentStatus.Completed, true),
            (DocumentStatus.Processing, DocumentStatus.Rejected, false),
            (DocumentStatus.Processing, DocumentStatus.Rejected, true),
            (DocumentStatus.Completed, DocumentStatus.Processing, true),
            (DocumentStatus.Rejected, DocumentStatus.Processing, true),
        };
        var data = new TheoryData<DocumentStatus, DocumentStatus, bool, bool>();
        foreach (var from in Enum.GetValues<DocumentStatus>())
        {
            foreach (var to in Enum.GetValues<DocumentStatus>())
            {
                foreach (var admin in new[] { false, true })
                {
                    data.Add(from, to, admin, allowed.Contains((from, to, admin)));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Allows_exactly_the_workflow_transitions(DocumentStatus from, DocumentStatus to, bool isAdmin, bool expected)
    {
        Assert.Equal(expected, DocumentStateMachine.CanMove(from, to, isAdmin));
        Assert.False(string.IsNullOrWhiteSpace(DocumentStateMachine.Describe(from, to, isAdmin)));
    }

    [Fact]
    public void Explains_why_a_final_document_cannot_be_reopened_by_a_preparer() =>
        Assert.Equal("A COMPLETED document is final; only an administrator can reopen it.",
            DocumentStateMachine.Describe(DocumentStatus.Completed, DocumentStatus.Processing, isAdmin: false));
}
