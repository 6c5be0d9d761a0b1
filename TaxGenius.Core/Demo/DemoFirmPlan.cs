using System.Globalization;
using TaxGenius.Core.Audit;
using TaxGenius.Core.Documents;
using TaxGenius.Core.Engagements;
using TaxGenius.Core.Identity;
using TaxGenius.Core.Referrals;

namespace TaxGenius.Core.Demo;

public sealed record PlannedPerson(Guid Id, string Email, string Role, string FirstName, string LastName, string Phone, string Street, string City,
    string State, string Zip, string? Ssn, DateTime JoinedAt);

public sealed record PlannedEngagement(Guid Id, string ClientEmail, int TaxYear, EngagementStage Stage, EngagementStage? StageBeforeHold,
    string? HoldReason, DateTime StageChangedAt, string? PreparerEmail, string? ReviewerEmail, DateOnly? ExtendedDueDate, EngagementPriority Priority,
    DateTime? RequestedAt, DateTime OpenedAt, IReadOnlyList<(EngagementStage Stage, DateTime At)> History);

public sealed record PlannedDocument(Guid Id, string ClientEmail, DocumentType Type, string FileName, string ContentType, int TaxYear,
    DocumentStatus Status, string? RejectionReason, string? AssignedToEmail, DateTime UploadedAt, Func<byte[]> Content);

public sealed record PlannedRequestItem(Guid EngagementId, RequestKind Kind, string Description, int SortOrder, bool Required,
    RequestItemStatus Status, Guid? DocumentId, DateTime? ResolvedAt);

public sealed record PlannedReferral(Guid Id, string ReferrerEmail, string ClientEmail, ReferralStatus Status, ReferralSource Source,
    decimal Commission, DateTime? SignedUpAt, DateTime? ConvertedAt, DateTime ReferredAt);

/// <summary>A visit of a referrer's link (/r/{code}); most visitors do not sign up.</summary>
public sealed record PlannedClick(string ReferrerEmail, DateTime At);

public sealed record PlannedMessage(Guid Id, bool FromStaff, string SenderEmail, string Body, DateTime SentAt, DateTime? ReadAt);

public sealed record PlannedConversation(Guid Id, string ClientEmail, IReadOnlyList<PlannedMessage> Messages);

public sealed record PlannedAudit(DateTime At, string ActorEmail, string Action, string? SubjectType, Guid? SubjectId, string? SubjectUserEmail,
    string? Detail, string IpAddress);

/// <summary>
/// The demo firm as data, before anything is written: a pure function of the seed, the number of clients, the current tax year and
/// the day (times are whole hours of days before <see cref="Now"/>'s date). <see cref="DemoFirmSeeder"/> writes it.
/// </summary>
public sealed class DemoFirmPlan
{
    private readonly Random random;

    /// <summary>Clicks draw from their own sequence, so adding them left every other planned row as it was.</summary>
    private readonly Random clickRandom;

    /// <summary>Whether one client already filed a form as another kind (the demo firm needs one, not one per stage).</summary>
    private bool misfiled;

    private readonly bool withContent;
    private readonly int firstClient;

    private DemoFirmPlan(int seed, DateTime now, int firstClient, bool withContent)
    {
        random = new Random(seed);
        clickRandom = new Random(unchecked(seed * 31 + 7));
        this.firstClient = firstClient;
        this.withContent = withContent;
        Now = now;
        Today = now.Date;
    }

    public DateTime Now { get; }
    private DateTime Today { get; }
    public List<PlannedPerson> People { get; } = [];
    public List<PlannedEngagement> Engagements { get; } = [];
    public List<PlannedDocument> Documents { get; } = [];
    public List<PlannedRequestItem> RequestItems { get; } = [];
    public List<PlannedReferral> Referrals { get; } = [];
    public List<PlannedClick> Clicks { get; } = [];

    /// <summary>Referrers the firm pays other than its default rate, by e-mail: their commissions were earned at this rate.</summary>
    public Dictionary<string, decimal> CommissionRates { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<PlannedConversation> Conversations { get; } = [];
    public List<PlannedAudit> Audit { get; } = [];
    public Guid PayoutId { get; private set; }

    internal static readonly string[] FirstNames =
    [
        "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas", "Mia", "Mateo", "Amelia", "Ethan", "Harper",
        "Aiden", "Evelyn", "Daniel", "Abigail", "Henry", "Emily", "Jackson", "Ella", "Sebastian", "Grace", "Leo", "Chloe", "Owen", "Zoe", "Samuel",
        "Nora", "Wyatt", "Lily", "Julian", "Hannah", "Isaac", "Aria", "Gabriel", "Layla", "Anthony", "Maya", "Dylan", "Priya", "Wei", "Fatima",
        "Diego", "Keiko", "Tomas", "Aisha", "Rafael",
    ];

    internal static readonly string[] LastNames =
    [
        "Garcia", "Smith", "Johnson", "Nguyen", "Williams", "Brown", "Martinez", "Davis", "Lopez", "Wilson", "Anderson", "Thomas", "Taylor",
        "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker",
        "Young", "Allen", "King", "Wright", "Scott", "Torres", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell",
        "Mitchell", "Carter", "Patel", "Kim", "Chen", "Okafor", "Haddad", "Kowalski",
    ];

    private static readonly (string City, string State, string Zip)[] Places =
    [
        ("Austin", "TX", "78701"), ("Denver", "CO", "80202"), ("Columbus", "OH", "43215"), ("Raleigh", "NC", "27601"), ("Portland", "OR", "97204"),
        ("Madison", "WI", "53703"), ("Tempe", "AZ", "85281"), ("Richmond", "VA", "23219"), ("Boise", "ID", "83702"), ("Albany", "NY", "12207"),
    ];

    private static readonly string[] Streets = ["Maple Ave", "Oak St", "Cedar Ln", "Pine Rd", "Elm St", "Birch Way", "Willow Dr", "Lakeview Blvd"];

    private static readonly (string Name, string Address, string Ein)[] Employers =
    [
        ("Acme Corp", "100 Industrial Pkwy, Columbus, OH 43215", "31-1234567"), ("Blue Ridge Health", "2200 Mountain Rd, Richmond, VA 23219", "54-2345678"),
        ("Northwind Traders", "45 Harbor St, Portland, OR 97204", "93-3456789"), ("Contoso Software", "1 Contoso Way, Austin, TX 78701", "74-4567890"),
        ("Summit Schools District", "300 School St, Denver, CO 80202", "84-5678901"), ("Riverbend Logistics", "9 Dock Rd, Albany, NY 12207", "14-6789012"),
        ("Fabrikam Manufacturing", "77 Foundry Ave, Madison, WI 53703", "39-7890123"), ("Sunrise Hospitality", "12 Resort Dr, Tempe, AZ 85281", "86-8901234"),
    ];

    private static readonly (string Name, string Address, string Tin)[] Banks =
    [
        ("First Bank", "1 Main St, Columbus, OH 43215", "31-9876543"), ("Union Credit Union", "500 Union Sq, Denver, CO 80202", "84-8765432"),
        ("Harbor Savings", "20 Pier Rd, Portland, OR 97204", "93-7654321"), ("Lone Star Brokerage", "800 Congress Ave, Austin, TX 78701", "74-6543210"),
    ];

    private static readonly string[] RejectionReasons =
    [
        "The scan is cut off at the bottom: please upload the whole page.", "This is last year's W-2; we need the one for this tax year.",
        "The photo is too blurry to read your name and the expiry date: please retake it in good light, with all four corners in view.",
        "Only page 1 of 2 came through; please upload both pages.",
    ];

    private static readonly string[] HoldReasons =
    [
        "Waiting for a corrected 1099-B from the brokerage", "Client travelling until next month", "Waiting for the K-1 from the partnership",
    ];

    /// <summary>Plans a firm of clients for a tax year and the year before, dated before now.</summary>
    /// <param name="seed">Same seed, same firm.</param>
    /// <param name="clients">How many clients this plan adds.</param>
    /// <param name="taxYear">The current tax year (the board's).</param>
    /// <param name="now">Times are whole hours of days before this day.</param>
    /// <param name="firstClient">The number of the first client: a large firm is planned in slices (<see cref="DemoFirmSeeder.SeedBenchmarkAsync"/>);
    /// only the first slice adds the staff, and e-mail addresses stay unique across slices.</param>
    /// <param name="withContent">False plans the rows without rendering a file for each document (the benchmark firm shares a few).</param>
    public static DemoFirmPlan Create(int seed, int clients, int taxYear, DateTime now, int firstClient = 0, bool withContent = true)
    {
        var plan = new DemoFirmPlan(seed, now, firstClient, withContent);
        plan.Build(clients, taxYear);
        return plan;
    }

    /// <summary>The first person the firm adds (a preparer): present once the demo firm is seeded.</summary>
    public const string MarkerEmail = "quinn.nakamura@demo.taxgenius.test";

    public static string EmailFor(int index, string first, string last) =>
        $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}{(index < 50 ? "" : index.ToString(CultureInfo.InvariantCulture))}@example.test";

    private Guid NewId()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40); // version 4, variant 1: a well-formed random GUID
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>A whole hour between 8:00 and 18:00, <paramref name="daysAgo"/> days before today.</summary>
    private DateTime DaysAgo(int daysAgo) => Today.AddDays(-daysAgo).AddHours(8 + random.Next(10));

    private decimal Amount(int min, int max) => random.Next(min, max) + (random.Next(100) / 100m);

    private PlannedPerson Person(string role, string first, string last, string email, int joinedDaysAgo, bool ssn)
    {
        var (city, state, zip) = Pick(Places);
        var person = new PlannedPerson(NewId(), email, role, first, last,
            $"({random.Next(201, 990)}) 555-01{random.Next(0, 100):D2}", $"{random.Next(10, 9900)} {Pick(Streets)}", city, state, zip,
            // The 900-999 area is never issued as an SSN: demo numbers cannot be anyone's.
            ssn ? $"9{random.Next(0, 100):D2}-{random.Next(1, 100):D2}-{random.Next(1, 10000):D4}" : null,
            DaysAgo(joinedDaysAgo));
        People.Add(person);
        return person;
    }

    private void Build(int clientCount, int taxYear)
    {
        var preparers = new List<string> { DemoAccounts.Preparer, MarkerEmail, "jordan.ellis@demo.taxgenius.test" };
        var referrers = new List<string> { DemoAccounts.Referrer, "dana.brooks@example.test", "sam.okafor@example.test", "lee.romero@example.test" };
        if (firstClient == 0)
        {
            Person(Roles.Preparer, "Quinn", "Nakamura", preparers[1], 700, ssn: false);
            Person(Roles.Preparer, "Jordan", "Ellis", preparers[2], 400, ssn: false);
            Person(Roles.Referrer, "Dana", "Brooks", referrers[1], 500, ssn: false);
            Person(Roles.Referrer, "Sam", "Okafor", referrers[2], 300, ssn: false);
            Person(Roles.Referrer, "Lee", "Romero", referrers[3], 150, ssn: false);
        }

        // Current-year stages, so every column of the board has work (the counts add up to 58; more clients repeat the pattern).
        (EngagementStage Stage, int Count)[] mix =
        [
            (EngagementStage.NotStarted, 6), (EngagementStage.DocumentsRequested, 10), (EngagementStage.DocumentsReceived, 8),
            (EngagementStage.InPreparation, 9), (EngagementStage.InReview, 6), (EngagementStage.AwaitingSignature, 5),
            (EngagementStage.ReadyToFile, 4), (EngagementStage.Filed, 4), (EngagementStage.Done, 3), (EngagementStage.OnHold, 3),
        ];
        var stages = mix.SelectMany(m => Enumerable.Repeat(m.Stage, m.Count)).ToList();

        for (var i = 0; i < clientCount; i++)
        {
            var number = firstClient + i;
            var first = FirstNames[number % FirstNames.Length];
            var last = LastNames[(number * 7 + (number / LastNames.Length)) % LastNames.Length];
            var newClient = i % 6 == 5; // one in six joined this season: no prior-year return with the firm
            var client = Person(Roles.Client, first, last, EmailFor(number, first, last), newClient ? random.Next(20, 120) : random.Next(400, 1500),
                ssn: random.Next(4) != 0);
            var preparer = preparers[i % preparers.Count];
            var employer = Pick(Employers);
            var bank = Pick(Banks);
            var wages = Amount(28_000, 145_000);
            var interest = Amount(15, 2_400);
            if (!newClient)
            {
                PriorYear(client, taxYear - 1, preparer, employer, bank, wages * 0.96m, interest);
            }

            CurrentYear(client, taxYear, stages[i % stages.Count], preparer, preparers[(i + 1) % preparers.Count], employer, bank, wages, interest, i);
        }

        BuildReferrals(referrers);
        BuildClicks(referrers);
        BuildConversations(preparers);
        BuildAudit(preparers);
    }

    private void PriorYear(PlannedPerson client, int year, string preparer, (string Name, string Address, string Ein) employer,
        (string Name, string Address, string Tin) bank, decimal wages, decimal interest)
    {
        var id = NewId();
        var opened = DaysAgo(330 + random.Next(30));
        var extended = random.Next(8) == 0;
        var filedAt = extended ? DaysAgo(80 + random.Next(20)) : DaysAgo(235 + random.Next(25));
        Engagements.Add(new PlannedEngagement(id, client.Email, year, EngagementStage.Done, null, null, filedAt.AddDays(2), preparer, DemoAccounts.Preparer,
            extended ? new DateOnly(year + 1, 10, 15) : null, EngagementPriority.Normal, opened, opened,
            [(EngagementStage.DocumentsRequested, opened), (EngagementStage.DocumentsReceived, opened.AddDays(20)), (EngagementStage.InPreparation, opened.AddDays(25)),
             (EngagementStage.InReview, filedAt.AddDays(-8)), (EngagementStage.AwaitingSignature, filedAt.AddDays(-5)), (EngagementStage.ReadyToFile, filedAt.AddDays(-1)),
             (EngagementStage.Filed, filedAt), (EngagementStage.Done, filedAt.AddDays(2))]));
        var federal = Math.Round(wages * 0.11m, 2);
        var uploaded = opened.AddDays(10);
        AddW2(client, year, employer, wages, DocumentStatus.Completed, null, preparer, uploaded);
        Add1099(client, year, "INT", bank, interest, DocumentStatus.Completed, null, preparer, uploaded.AddDays(1));
        if (random.Next(3) == 0)
        {
            Add1099(client, year, "DIV", Banks[3], Amount(200, 5_000), DocumentStatus.Completed, null, preparer, uploaded.AddDays(2));
        }

        if (random.Next(3) == 0)
        {
            AddPhotoId(client, year, DocumentStatus.Completed, null, preparer, uploaded);
        }

        Documents.Add(new PlannedDocument(NewId(), client.Email, DocumentType.TaxReturn, $"{year}-form-1040.pdf", "application/pdf", year,
            DocumentStatus.Completed, null, preparer, filedAt,
            Capture(() => SampleTaxForms.Form1040(year, $"{client.FirstName} {client.LastName}", $"{client.Street}, {client.City}, {client.State} {client.Zip}",
                "Single", wages, interest, Math.Round(federal * 0.93m, 2), federal))));
    }

    private void CurrentYear(PlannedPerson client, int year, EngagementStage stage, string preparer, string reviewer,
        (string Name, string Address, string Ein) employer, (string Name, string Address, string Tin) bank, decimal wages, decimal interest, int index)
    {
        var id = NewId();
        var order = EngagementStages.Board.ToList();
        var effective = stage == EngagementStage.OnHold ? EngagementStage.InPreparation : stage;
        var reached = order.IndexOf(effective);
        var opened = DaysAgo(40 + random.Next(20));
        var history = new List<(EngagementStage, DateTime)>();
        var at = opened;
        for (var s = 1; s <= reached; s++)
        {
            at = at.AddDays(1 + random.Next(Math.Max(1, 30 / Math.Max(1, reached))));
            if (at > Today)
            {
                at = DaysAgo(0);
            }

            history.Add((order[s], at));
        }

        string? holdReason = null;
        if (stage == EngagementStage.OnHold)
        {
            holdReason = Pick(HoldReasons);
            at = DaysAgo(random.Next(1, 6));
            history.Add((EngagementStage.OnHold, at));
        }

        var requested = reached >= order.IndexOf(EngagementStage.DocumentsRequested) ? history[0].Item2 : (DateTime?)null;
        var started = reached >= order.IndexOf(EngagementStage.DocumentsReceived);
        var priority = random.Next(10) switch { 0 => EngagementPriority.Urgent, 1 or 2 => EngagementPriority.High, 3 => EngagementPriority.Low, _ => EngagementPriority.Normal };
        Engagements.Add(new PlannedEngagement(id, client.Email, year, stage, stage == EngagementStage.OnHold ? EngagementStage.InPreparation : null, holdReason,
            history.Count > 0 ? at : opened, reached >= 1 ? preparer : null, reached >= order.IndexOf(EngagementStage.InReview) ? reviewer : null,
            index % 9 == 4 ? new DateOnly(year + 1, 10, 15) : null, priority, requested, opened, history));

        if (requested is null)
        {
            // Not started: some clients upload before they are asked.
            if (random.Next(2) == 0)
            {
                AddW2(client, year, employer, wages, DocumentStatus.Pending, null, null, DaysAgo(random.Next(1, 10)));
            }

            return;
        }

        // What the firm asked for, and what came in. Before "documents received" some items are still open; after it, everything.
        var uploadedFrom = requested.Value.AddDays(2);
        DocumentStatus StatusNow(int k) => stage switch
        {
            EngagementStage.DocumentsRequested => DocumentStatus.Pending,
            EngagementStage.DocumentsReceived => (k + index) % 3 == 0 ? DocumentStatus.Processing : (k + index) % 3 == 1 ? DocumentStatus.Pending : DocumentStatus.Completed,
            _ => DocumentStatus.Completed,
        };

        DateTime Uploaded(int k)
        {
            var day = uploadedFrom.AddDays(k * 2);
            return day > Today ? DaysAgo(0) : day;
        }

        var sort = 0;
        void Item(RequestKind kind, string description, PlannedDocument? document, bool required = true, RequestItemStatus? status = null)
        {
            var done = status ?? (document is { Status: not DocumentStatus.Rejected } ? RequestItemStatus.Fulfilled : RequestItemStatus.Open);
            RequestItems.Add(new PlannedRequestItem(id, kind, description, ++sort, required, done,
                done == RequestItemStatus.Fulfilled ? document?.Id : null, done == RequestItemStatus.Open ? null : (document?.UploadedAt ?? DaysAgo(3))));
        }

        var arrived = stage == EngagementStage.DocumentsRequested ? random.Next(0, 3) : 4;
        var rejectFirst = started && index % 5 == 2;
        PlannedDocument? w2 = null;
        if (arrived >= 1)
        {
            if (rejectFirst)
            {
                AddW2(client, year - 1, employer, wages * 0.96m, DocumentStatus.Rejected, RejectionReasons[1], preparer, Uploaded(0), fileYear: year);
            }

            w2 = AddW2(client, year, employer, wages, StatusNow(0), null, preparer, Uploaded(rejectFirst ? 1 : 0));
        }

        Item(RequestKind.W2, $"W-2 from {employer.Name}", w2);
        // One client filed their bank's 1099-INT as a W-2 and has not taken recognition's suggestion yet: the queue's "Needs a check"
        // and the review page's mismatch have something to show, and the 1099-INT is still asked for.
        var misfile = !misfiled && stage == EngagementStage.DocumentsRequested && arrived >= 2;
        misfiled |= misfile;
        var int1099 = arrived >= 2
            ? Add1099(client, year, "INT", bank, interest, StatusNow(1), null, preparer, Uploaded(1), misfile ? DocumentType.W2 : DocumentType.Form1099)
            : null;
        Item(RequestKind.Form1099Int, $"1099-INT from {bank.Name}", misfile ? null : int1099);
        if (index % 3 == 0)
        {
            var broker = Banks[3];
            var div = arrived >= 3 ? Add1099(client, year, "DIV", broker, Amount(200, 6_000), StatusNow(2), null, preparer, Uploaded(2)) : null;
            Item(RequestKind.Form1099Div, $"1099-DIV from {broker.Name}", div);
        }

        if (index % 4 == 1)
        {
            var nec = arrived >= 3 ? Add1099(client, year, "NEC", ("Riverside Design Studio", "14 Gallery Row, Madison, WI 53703", "39-1122334"),
                Amount(3_000, 40_000), StatusNow(3), null, preparer, Uploaded(3)) : null;
            Item(RequestKind.Form1099Nec, "1099-NEC for freelance work", nec);
        }

        if (index % 5 == 3)
        {
            PlannedDocument? mortgage = null;
            if (arrived >= 3)
            {
                mortgage = new PlannedDocument(NewId(), client.Email, DocumentType.Other, "1098-mortgage-interest.pdf", "application/pdf", year, StatusNow(2), null,
                    StatusNow(2) == DocumentStatus.Pending ? null : preparer, Uploaded(2),
                    Capture(() => SampleTaxForms.Form1098(year, "Harbor Savings Home Loans", $"{client.FirstName} {client.LastName}", Amount(4_000, 14_000), Amount(150_000, 420_000))));
                Documents.Add(mortgage);
            }

            Item(RequestKind.Form1098, "1098 mortgage interest statement", mortgage);
        }

        PlannedDocument? photo = null;
        if (arrived >= 4 || (arrived >= 1 && index % 2 == 0))
        {
            var blurry = index % 7 == 3 && started;
            photo = AddPhotoId(client, year, blurry ? DocumentStatus.Rejected : StatusNow(1), blurry ? RejectionReasons[2] : null, preparer, Uploaded(1));
            if (blurry)
            {
                photo = AddPhotoId(client, year, StatusNow(2), null, preparer, Uploaded(2));
            }
        }

        Item(RequestKind.PhotoId, "Photo ID (driver's license or passport), front and back", photo);
        Item(RequestKind.Other, "Letters or notices from the IRS or your state", null, required: false,
            status: started ? RequestItemStatus.NotApplicable : null);
    }

    private PlannedDocument AddW2(PlannedPerson client, int year, (string Name, string Address, string Ein) employer, decimal wages, DocumentStatus status,
        string? reason, string? preparer, DateTime uploaded, int? fileYear = null)
    {
        var federal = Math.Round(wages * 0.11m, 2);
        var stateTax = Math.Round(wages * 0.042m, 2);
        var box12 = random.Next(2) == 0 ? $"D  {Math.Round(wages * 0.06m, 2).ToString("#,##0.00", CultureInfo.InvariantCulture)}" : null;
        var slug = employer.Name.ToLowerInvariant().Replace(' ', '-');
        var document = new PlannedDocument(NewId(), client.Email, DocumentType.W2, $"w2-{slug}-{year}.pdf", "application/pdf", fileYear ?? year, status, reason,
            status == DocumentStatus.Pending ? null : preparer, uploaded,
            Capture(() => SampleTaxForms.W2(year, $"{client.FirstName} {client.LastName}", $"{client.Street}, {client.City}, {client.State} {client.Zip}",
                Masked(client), employer.Name, employer.Address, employer.Ein, wages, federal, client.State, stateTax, box12)));
        Documents.Add(document);
        return document;
    }

    private PlannedDocument Add1099(PlannedPerson client, int year, string kind, (string Name, string Address, string Tin) payer, decimal amount,
        DocumentStatus status, string? reason, string? preparer, DateTime uploaded, DocumentType filedAs = DocumentType.Form1099)
    {
        var second = kind == "DIV" ? Math.Round(amount * 0.8m, 2) : kind == "INT" && random.Next(4) == 0 ? Amount(10, 300) : 0m;
        var withheld = kind == "NEC" ? 0m : random.Next(5) == 0 ? Math.Round(amount * 0.24m, 2) : 0m;
        var slug = payer.Name.ToLowerInvariant().Replace(' ', '-');
        var document = new PlannedDocument(NewId(), client.Email, filedAs, $"1099-{kind.ToLowerInvariant()}-{slug}.pdf", "application/pdf", year,
            status, reason, status == DocumentStatus.Pending ? null : preparer, uploaded,
            Capture(() => SampleTaxForms.Form1099(kind, year, payer.Name, payer.Address, payer.Tin, $"{client.FirstName} {client.LastName}",
                $"{client.Street}, {client.City}, {client.State} {client.Zip}", Masked(client), amount, second, withheld)));
        Documents.Add(document);
        return document;
    }

    private PlannedDocument AddPhotoId(PlannedPerson client, int year, DocumentStatus status, string? reason, string? preparer, DateTime uploaded)
    {
        var number = $"{(char)('A' + random.Next(26))}{random.Next(1_000_000, 9_999_999)}";
        var birth = $"{random.Next(1, 13):D2}/{random.Next(1, 29):D2}/{random.Next(1950, 2002)}";
        var tint = random.Next(100);
        var document = new PlannedDocument(NewId(), client.Email, DocumentType.Id, "drivers-license.png", "image/png", year, status, reason,
            status == DocumentStatus.Pending ? null : preparer, uploaded,
            Capture(() => SampleTaxForms.PhotoId(client.State, client.FirstName, client.LastName, $"{client.Street}, {client.City}", birth, number,
                $"{random.Next(1, 13):D2}/{year + 4}", tint)));
        Documents.Add(document);
        return document;
    }

    /// <summary>
    /// The file's bytes are made when the seeder writes it, but every random number it needs is drawn now, so the plan (and every later
    /// draw) does not depend on when or whether the content is rendered.
    /// </summary>
    private Func<byte[]> Capture(Func<byte[]> render)
    {
        if (!withContent)
        {
            return static () => throw new InvalidOperationException("This plan was made without file contents.");
        }

        var bytes = render();
        return () => bytes;
    }

    private static string Masked(PlannedPerson client) => client.Ssn is { } ssn ? $"XXX-XX-{ssn[^4..]}" : "XXX-XX-XXXX";

    private void BuildReferrals(List<string> referrers)
    {
        PayoutId = NewId();
        var clients = People.Where(p => p.Role == Roles.Client).ToList();
        var referred = 0;
        CommissionRates[referrers[2]] = 75.00m; // one referrer on a rate of their own, as firms agree with their best referrers
        for (var r = 0; r < referrers.Count; r++)
        {
            var count = r == 0 ? 5 : 3 + r;
            for (var k = 0; k < count; k++)
            {
                var status = (k % 4) switch { 0 => ReferralStatus.Paid, 1 or 2 => ReferralStatus.Converted, _ => ReferralStatus.Pending };
                var source = Pick(new[] { ReferralSource.Link, ReferralSource.Code, ReferralSource.Invitation });
                if (status == ReferralStatus.Pending)
                {
                    var prospect = $"{FirstNames[(r * 11 + k * 3) % FirstNames.Length].ToLowerInvariant()}.prospect{firstClient + (r * 10) + k}@example.test";
                    Referrals.Add(new PlannedReferral(NewId(), referrers[r], prospect, status, ReferralSource.Invitation, 0m, null, null, DaysAgo(random.Next(2, 40))));
                    continue;
                }

                // Within the last year, so the referrer's monthly charts have something to show; paid ones are the oldest.
                var client = clients[(referred++ * 5 + 3) % clients.Count];
                var signedUp = DaysAgo(status == ReferralStatus.Paid ? random.Next(150, 330) : random.Next(35, 140));
                Referrals.Add(new PlannedReferral(NewId(), referrers[r], client.Email, status, source, CommissionRates.GetValueOrDefault(referrers[r], 50.00m), signedUp,
                    signedUp.AddDays(10 + random.Next(20)), signedUp.AddDays(-3)));
            }
        }
    }

    /// <summary>
    /// Each sign-up through a link follows a click of it, and more people click than sign up: without them a referrer's card read
    /// "Link clicks 0" above sign-ups that came by link.
    /// </summary>
    private void BuildClicks(List<string> referrers)
    {
        foreach (var referrer in referrers)
        {
            foreach (var referral in Referrals.Where(r => r.ReferrerEmail == referrer && r.Source == ReferralSource.Link))
            {
                Clicks.Add(new PlannedClick(referrer, referral.ReferredAt.AddMinutes(-clickRandom.Next(2, 90))));
            }

            var browsers = 10 + clickRandom.Next(25);
            for (var i = 0; i < browsers; i++)
            {
                Clicks.Add(new PlannedClick(referrer, Today.AddDays(-clickRandom.Next(1, 300)).AddMinutes(clickRandom.Next(7 * 60, 22 * 60))));
            }
        }
    }

    private void BuildConversations(List<string> preparers)
    {
        string[] openers =
        [
            "Hi {0}, thanks for sending your documents. Could you also upload your 1099-INT from the bank?",
            "Hi {0}, your return is in review. We will send the e-file authorization for signature shortly.",
            "Hi {0}, quick question: did you sell any stocks or crypto this year?",
            "Hi {0}, we received your W-2. Did you have any other jobs this year?",
        ];
        string[] replies =
        [
            "Uploaded it just now. Let me know if anything is missing.", "No, nothing sold this year.", "Thanks! When do you expect to file?",
            "Only the one job. I also paid student loan interest, do you need the form?", "I moved in June, is the new address a problem?",
        ];
        string[] followUps =
        [
            "Got it, thank you. Everything is in order.", "Yes please, upload the 1098-E when you have it.",
            "Not a problem: we will file with your current address.", "We expect to file within two weeks.",
        ];
        var clients = People.Where(p => p.Role == Roles.Client).ToList();
        for (var c = 0; c < Math.Min(24, clients.Count); c++)
        {
            var client = clients[(c * 7 + 2) % clients.Count];
            if (Conversations.Any(x => x.ClientEmail == client.Email))
            {
                continue;
            }

            var preparer = preparers[c % preparers.Count];
            var start = DaysAgo(random.Next(2, 25));
            var messages = new List<PlannedMessage>
            {
                new(NewId(), true, preparer, string.Format(CultureInfo.InvariantCulture, Pick(openers), client.FirstName), start, start.AddHours(3)),
            };
            var reply = start.AddHours(5 + random.Next(30));
            // Some clients have not answered yet; some answers wait for staff (unread, first in the inbox).
            if (c % 4 != 3)
            {
                var answered = c % 3 != 0;
                messages.Add(new(NewId(), false, client.Email, Pick(replies), reply, answered ? reply.AddHours(2) : null));
                if (answered)
                {
                    var followUp = reply.AddHours(3);
                    messages.Add(new(NewId(), true, preparer, Pick(followUps), followUp, c % 2 == 0 ? followUp.AddHours(4) : null));
                }
            }

            // A thread started two days ago with a slow reply and a follow-up can run into hours of today not yet come (a firm
            // seeded at 5:00 showed messages read later that day): the whole thread moves back by whole hours until it is over, keeping its gaps.
            var last = messages.Max(m => m.ReadAt ?? m.SentAt);
            if (last > Now)
            {
                var back = TimeSpan.FromHours(Math.Ceiling((last - Now).TotalHours));
                messages = [.. messages.Select(m => m with { SentAt = m.SentAt - back, ReadAt = m.ReadAt - back })];
            }

            Conversations.Add(new PlannedConversation(NewId(), client.Email, messages));
        }
    }

    private void BuildAudit(List<string> preparers)
    {
        // A month of staff work: documents opened, claimed and reviewed, SSNs revealed for filing, engagements moved, a payout.
        var recent = Documents.Where(d => d.AssignedToEmail is not null && d.UploadedAt > Today.AddDays(-30)).ToList();
        var ssnClients = People.Where(p => p.Role == Roles.Client && p.Ssn is not null).ToList();
        for (var day = 30; day >= 1; day--)
        {
            var date = Today.AddDays(-day);
            if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }

            for (var n = 0; n < 12 && recent.Count > 0; n++)
            {
                var document = Pick(recent);
                var actor = document.AssignedToEmail ?? Pick(preparers);
                var at = date.AddHours(8 + random.Next(10)).AddMinutes(random.Next(60));
                var action = random.Next(10) switch
                {
                    < 5 => AuditActions.DocumentViewed,
                    < 7 => AuditActions.DocumentDownloaded,
                    < 9 => AuditActions.DocumentClaimed,
                    _ => AuditActions.DocumentStatusChanged,
                };
                Audit.Add(new PlannedAudit(at, actor, action, "Document", document.Id, document.ClientEmail,
                    action == AuditActions.DocumentStatusChanged ? "PENDING → PROCESSING" : null, $"10.0.0.{11 + preparers.IndexOf(actor)}"));
            }

            if (day % 3 == 0 && ssnClients.Count > 0)
            {
                var client = Pick(ssnClients);
                var actor = Pick(preparers);
                Audit.Add(new PlannedAudit(date.AddHours(11).AddMinutes(random.Next(60)), actor, AuditActions.SsnRevealed, "User", client.Id, client.Email,
                    "Reason: preparing the return", $"10.0.0.{11 + preparers.IndexOf(actor)}"));
            }
        }

        Audit.Add(new PlannedAudit(Today.AddDays(-30).AddHours(16), DemoAccounts.Admin, AuditActions.PayoutRecorded, "Payout", PayoutId, null,
            "ACH 2026-0412 (demo)", "10.0.0.10"));
        Audit.Sort((a, b) => a.At.CompareTo(b.At));
    }
}
