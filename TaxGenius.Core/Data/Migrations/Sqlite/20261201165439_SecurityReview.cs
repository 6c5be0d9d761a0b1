using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Sqlite
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
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "AuthenticatorLastStep",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);

            // Tokens made to "never expire" now expire a year after they were made (the longest any token may live).
            migrationBuilder.Sql("""
                UPDATE "ApiTokens" SET "ExpiresAt" = strftime('%Y-%m-%d %H:%M:%f', "CreatedAt", '+365 days') WHERE "ExpiresAt" IS NULL;
                """);

            migrationBuilder.AlterColumn<DateTime>(
                name: "ExpiresAt",
                table: "ApiTokens",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified),
                oldClrType: typeof(DateTime),
                oldType: "TEXT",
                oldNullable: true);

            migrationBuilder.CreateTable(
                name: "FirmSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    StaffMayRememberBrowser = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    UpdatedById = table.Column<Guid>(type: "TEXT", nullable: true)
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
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(DateTime),
                oldType: "TEXT");

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ClientEmail",
                table: "Referrals",
                column: "ClientEmail",
                unique: true);
        }
    }
}
