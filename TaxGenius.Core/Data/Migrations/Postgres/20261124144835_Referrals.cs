using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Referrals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Referrals_ClientEmail",
                table: "Referrals");

            migrationBuilder.AddColumn<DateTime>(
                name: "ClientConsentedAt",
                table: "Referrals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ClientUserId",
                table: "Referrals",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ConvertedAt",
                table: "Referrals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ConvertedByDocumentId",
                table: "Referrals",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PaidAt",
                table: "Referrals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SignedUpAt",
                table: "Referrals",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "Referrals",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "INVITATION");

            migrationBuilder.CreateTable(
                name: "ReferralCodes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    ReferrerId = table.Column<Guid>(type: "uuid", nullable: false),
                    IsVanity = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReferralCodes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReferralCodes_AspNetUsers_ReferrerId",
                        column: x => x.ReferrerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReferrerCommissionRates",
                columns: table => new
                {
                    ReferrerId = table.Column<Guid>(type: "uuid", nullable: false),
                    Amount = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReferrerCommissionRates", x => x.ReferrerId);
                    table.ForeignKey(
                        name: "FK_ReferrerCommissionRates_AspNetUsers_ReferrerId",
                        column: x => x.ReferrerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReferralClicks",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReferralCodeId = table.Column<Guid>(type: "uuid", nullable: false),
                    ReferrerId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    IpHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReferralClicks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReferralClicks_ReferralCodes_ReferralCodeId",
                        column: x => x.ReferralCodeId,
                        principalTable: "ReferralCodes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ClientEmail",
                table: "Referrals",
                column: "ClientEmail",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ClientUserId",
                table: "Referrals",
                column: "ClientUserId");

            migrationBuilder.CreateIndex(
                name: "IX_ReferralClicks_ReferralCodeId",
                table: "ReferralClicks",
                column: "ReferralCodeId");

            migrationBuilder.CreateIndex(
                name: "IX_ReferralClicks_ReferrerId_At",
                table: "ReferralClicks",
                columns: new[] { "ReferrerId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_ReferralCodes_Code",
                table: "ReferralCodes",
                column: "Code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ReferralCodes_ReferrerId",
                table: "ReferralCodes",
                column: "ReferrerId");

            migrationBuilder.AddForeignKey(
                name: "FK_Referrals_AspNetUsers_ClientUserId",
                table: "Referrals",
                column: "ClientUserId",
                principalTable: "AspNetUsers",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Referrals_AspNetUsers_ClientUserId",
                table: "Referrals");

            migrationBuilder.DropTable(
                name: "ReferralClicks");

            migrationBuilder.DropTable(
                name: "ReferrerCommissionRates");

            migrationBuilder.DropTable(
                name: "ReferralCodes");

            migrationBuilder.DropIndex(
                name: "IX_Referrals_ClientEmail",
                table: "Referrals");

            migrationBuilder.DropIndex(
                name: "IX_Referrals_ClientUserId",
                table: "Referrals");

            migrationBuilder.DropColumn(
                name: "ClientConsentedAt",
                table: "Referrals");

            migrationBuilder.DropColumn(
                name: "ClientUserId",
                table: "Referrals");

            migrationBuilder.DropColumn(
                name: "ConvertedAt",
                table: "Referrals");

            migrationBuilder.DropColumn(
                name: "ConvertedByDocumentId",
                table: "Referrals");

            migrationBuilder.DropColumn(
                name: "PaidAt",
                table: "Referrals");

            migrationBuilder.DropColumn(
                name: "SignedUpAt",
                table: "Referrals");

            migrationBuilder.DropColumn(
                name: "Source",
                table: "Referrals");

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ClientEmail",
                table: "Referrals",
                column: "ClientEmail");
        }
    }
}
