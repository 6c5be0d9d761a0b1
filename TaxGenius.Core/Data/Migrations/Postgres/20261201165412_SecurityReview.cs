using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SecurityReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Referrals_ClientEmail",
                table: "Referrals");

            migrationBuilder.AddColumn<bool>(
                name: "Unattributed",
                table: "Referrals",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "AuthenticatorLastStep",
                table: "AspNetUsers",
                type: "bigint",
                nullable: true);

            // Tokens made to "never expire" now expire a year after they were made (the longest any token may live).
            migrationBuilder.Sql("""
                UPDATE "ApiTokens" SET "ExpiresAt" = "CreatedAt" + INTERVAL '365 days' WHERE "ExpiresAt" IS NULL;
                """);

            migrationBuilder.AlterColumn<DateTime>(
                name: "ExpiresAt",
                table: "ApiTokens",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified),
                oldClrType: typeof(DateTime),
                oldType: "timestamp with time zone",
                oldNullable: true);

            migrationBuilder.CreateTable(
                name: "FirmSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    StaffMayRememberBrowser = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UpdatedById = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FirmSettings", x => x.Id);
                    table.CheckConstraint("CK_FirmSettings_Singleton", "\"Id\" = 1");
                });

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ClientEmail",
                table: "Referrals",
                column: "ClientEmail",
                unique: true,
                filter: "NOT \"Unattributed\"");

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ReferrerId_ClientEmail",
                table: "Referrals",
                columns: new[] { "ReferrerId", "ClientEmail" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FirmSettings");

            migrationBuilder.DropIndex(
                name: "IX_Referrals_ClientEmail",
                table: "Referrals");

            migrationBuilder.DropIndex(
                name: "IX_Referrals_ReferrerId_ClientEmail",
                table: "Referrals");

            migrationBuilder.DropColumn(
                name: "Unattributed",
                table: "Referrals");

            migrationBuilder.DropColumn(
                name: "AuthenticatorLastStep",
                table: "AspNetUsers");

            migrationBuilder.AlterColumn<DateTime>(
                name: "ExpiresAt",
                table: "ApiTokens",
                type: "timestamp with time zone",
                nullable: true,
                oldClrType: typeof(DateTime),
                oldType: "timestamp with time zone");

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ClientEmail",
                table: "Referrals",
                column: "ClientEmail",
                unique: true);
        }
    }
}
