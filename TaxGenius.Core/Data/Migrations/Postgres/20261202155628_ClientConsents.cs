using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ClientConsents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ClientConsents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Decision = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    TextVersion = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Text = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    TextHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SignedName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RevokedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    IpAddress = table.Column<string>(type: "character varying(45)", maxLength: 45, nullable: true),
                    UserAgent = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClientConsents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ClientConsents_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ClientConsents_UserId_Kind_DecidedAt",
                table: "ClientConsents",
                columns: new[] { "UserId", "Kind", "DecidedAt" });

            // Consents given with the old registration checkbox stay in force for their year, recorded with the words they agreed to.
            migrationBuilder.Sql($"""
                INSERT INTO "ClientConsents" ("Id", "UserId", "Kind", "Decision", "TextVersion", "Text", "TextHash", "DecidedAt", "ExpiresAt")
                SELECT "Id", "ClientUserId", 'ReferralDisclosure', 'Granted', '{TaxGenius.Core.Compliance.Consents.ConsentService.LegacyTextVersion}',
                       '{TaxGenius.Core.Compliance.Consents.ConsentService.LegacyText}', '{TaxGenius.Core.Common.SecretHash.Of(TaxGenius.Core.Compliance.Consents.ConsentService.LegacyText)}',
                       "ClientConsentedAt", "ClientConsentedAt" + interval '365 days'
                FROM "Referrals" WHERE "ClientConsentedAt" IS NOT NULL AND "ClientUserId" IS NOT NULL;
                """);

            migrationBuilder.DropColumn(
                name: "ClientConsentedAt",
                table: "Referrals");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClientConsents");

            migrationBuilder.AddColumn<DateTime>(
                name: "ClientConsentedAt",
                table: "Referrals",
                type: "timestamp with time zone",
                nullable: true);
        }
    }
}
