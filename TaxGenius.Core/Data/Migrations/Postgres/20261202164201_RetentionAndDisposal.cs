using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RetentionAndDisposal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RetentionReason",
                table: "FirmSettings",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RetentionYears",
                table: "FirmSettings",
                type: "integer",
                nullable: false,
                defaultValue: 2); // the firm's existing row gets the default policy: two years (16 CFR 314.4(c)(6))

            migrationBuilder.CreateTable(
                name: "Disposals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientId = table.Column<Guid>(type: "uuid", nullable: false),
                    Reason = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ProposedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastActivityAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DecidedById = table.Column<Guid>(type: "uuid", nullable: true),
                    DecidedByEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    DisposedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Documents = table.Column<int>(type: "integer", nullable: false),
                    DocumentBytes = table.Column<long>(type: "bigint", nullable: false),
                    Engagements = table.Column<int>(type: "integer", nullable: false),
                    Messages = table.Column<int>(type: "integer", nullable: false),
                    SignatureRequests = table.Column<int>(type: "integer", nullable: false),
                    Consents = table.Column<int>(type: "integer", nullable: false),
                    HadSsn = table.Column<bool>(type: "boolean", nullable: false),
                    HadProfile = table.Column<bool>(type: "boolean", nullable: false),
                    ReferralsAnonymized = table.Column<int>(type: "integer", nullable: false),
                    CertificateSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Disposals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "LegalHolds",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ClientId = table.Column<Guid>(type: "uuid", nullable: false),
                    Reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    SetById = table.Column<Guid>(type: "uuid", nullable: false),
                    SetByEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    SetAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReleasedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ReleasedById = table.Column<Guid>(type: "uuid", nullable: true),
                    ReleasedByEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LegalHolds", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Disposals_ClientId_Status",
                table: "Disposals",
                columns: new[] { "ClientId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Disposals_Status_ProposedAt",
                table: "Disposals",
                columns: new[] { "Status", "ProposedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_LegalHolds_ClientId_ReleasedAt",
                table: "LegalHolds",
                columns: new[] { "ClientId", "ReleasedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Disposals");

            migrationBuilder.DropTable(
                name: "LegalHolds");

            migrationBuilder.DropColumn(
                name: "RetentionReason",
                table: "FirmSettings");

            migrationBuilder.DropColumn(
                name: "RetentionYears",
                table: "FirmSettings");
        }
    }
}
